export * from "./arch.js";
export * from "./opcodes.js";
export * from "./encoding.js";
export * from "./profiles.js";
export * from "./image.js";
