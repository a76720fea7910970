/** The tool version, in a module of its own so that `dlconform --version` loads nothing else. */
export const TOOL_VERSION = '0.1.0';
