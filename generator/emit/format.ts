// The output formats a client can be written in.

export const OUTPUT_FORMATS = ["js", "ts"] as const;
export type OutputFormatName = (typeof OUTPUT_FORMATS)[number];
