/**
 * Content: getting media in and turning it into pixels. Reading files and URLs within limits,
 * sniffing formats, and decoding images faithfully for hashing.
 */
export { isHostAllowed, isPrivateAddress } from './address-policy.js';
export { type DecodedImage, type DecodeOptions, decodeImage, defaultMaxPixels } from './decode-image.js';
export { type FetchPolicy, fetchUrl, isUrl } from './fetch-url.js';
export { type ImageFormat, sniffImageFormat } from './image-format.js';
export { imagePixelCount } from './image-size.js';
export { readFileLimited } from './read-file.js';
