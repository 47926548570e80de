// A bundler's `?raw` import: the file's text (only the browser bundle uses them).
declare module "*?raw" {
  const text: string;
  export default text;
}
