export * from "./arch.js";
export * from "./opcodes.js";
export * from "./encoding.js";
export * from "./profiles.js";
export * from "./image.js";
export { assemble, assembleFile, AssemblyError, type AssembleOptions, type Diagnostic } from "./asm/assembler.js";
export { disassembleWord, disassembleImage } from "./disasm.js";
export { writeImageFile, readImageFile, ImageFormatError } from "./image-file.js";
