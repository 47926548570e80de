import { equivalenceSuite } from "./helpers.js";

equivalenceSuite("x86-like");
