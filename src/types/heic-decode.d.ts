/** Types for `heic-decode` 2.x (the package ships none). */
declare module 'heic-decode' {
  interface DecodedHeic {
    width: number;
    height: number;
    data: Uint8ClampedArray;
  }
  interface HeicImage {
    width: number;
    height: number;
    decode(): Promise<DecodedHeic>;
  }
  interface HeicImageList extends Array<HeicImage> {
    dispose(): void;
  }
  interface HeicDecode {
    (options: { buffer: ArrayBufferLike | Uint8Array }): Promise<DecodedHeic>;
    all(options: { buffer: ArrayBufferLike | Uint8Array }): Promise<HeicImageList>;
  }
  const decode: HeicDecode;
  export default decode;
}
