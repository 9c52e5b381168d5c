/**
 * Content: getting media in and turning it into pixels. Reading files and URLs within limits,
 * sniffing formats, and decoding images faithfully for hashing.
 */
export { isHostAllowed, isPrivateAddress, parseAddressLiteral } from './address-policy.js';
export { type DecodedImage, type DecodeOptions, decodeImage, defaultMaxPixels } from './decode-image.js';
export { type EgressProxy, type EgressProxyOptions, startEgressProxy } from './egress-proxy.js';
export {
  checkEgressTarget,
  type EgressPolicy,
  type HostResolver,
  type ResolvedAddress,
} from './egress-target.js';
export { type FetchPolicy, fetchUrl, isUrl } from './fetch-url.js';
export { imagePixelCount } from './image-size.js';
export {
  type ImageFormat,
  type MediaFormat,
  sniffImageFormat,
  sniffMediaFormat,
  type VideoFormat,
} from './media-format.js';
export { readFileLimited } from './read-file.js';
