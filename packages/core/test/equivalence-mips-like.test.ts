import { equivalenceSuite } from "./helpers.js";

equivalenceSuite("mips-like");
