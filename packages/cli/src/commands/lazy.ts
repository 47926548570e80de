// A command's work is a module of its own (actions/), imported when the command runs:
// `vmlab --help` and a mistyped option load only the options, not the simulator.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Action = (...args: any[]) => Promise<void>;

export function lazy(load: () => Promise<{ default: Action }>): Action {
  return async (...args) => (await load()).default(...args);
}
