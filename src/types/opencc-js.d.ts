// opencc-js ships declarations whose relative imports have no file extensions, which NodeNext
// resolution cannot follow (everything they export then reads as an error type). The part used
// here, declared for both entry points; tsconfig.json maps `opencc-js/*` to this file.
export interface ConverterOptions {
  /** The variant of the text: `cn` (mainland Simplified), `tw`, `twp`, `hk`, `jp`, `t` (OpenCC standard). */
  from: string
  to: string
}

/** A function that converts text from one variant to the other. */
export function Converter(options: ConverterOptions): (text: string) => string
