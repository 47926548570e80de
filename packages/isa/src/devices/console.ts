// The console: bytes written to port 0x10, collected for the run's output.
export class Console {
  private bytes = new Uint8Array(1024);
  private length = 0;

  write(byte: number): void {
    if (this.length === this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes[this.length++] = byte & 0xff;
  }

  get size(): number {
    return this.length;
  }

  output(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }

  text(): string {
    return new TextDecoder().decode(this.bytes.subarray(0, this.length));
  }

  clear(): void {
    this.length = 0;
  }
}
