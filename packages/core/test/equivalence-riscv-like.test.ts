import { equivalenceSuite } from "./helpers.js";

equivalenceSuite("riscv-like");
