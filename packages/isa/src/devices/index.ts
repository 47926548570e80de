export { Console } from "./console.js";
export { Disk, DEFAULT_DISK_SECTORS } from "./disk.js";
export { PortBus, type PortBusWiring, type PortCounts, type PortTimer } from "./port-bus.js";
