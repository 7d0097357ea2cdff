// pdf.js's parser module ships no declarations; it is only handed back to pdf.js (pdf.ts).
declare module 'pdfjs-dist/legacy/build/pdf.worker.mjs' {
  export const WorkerMessageHandler: unknown
}
