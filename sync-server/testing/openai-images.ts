// The stand-in's pictures (./openai-server.ts): an image_url part holding a data: URL, checked as
// OpenAI-compatible servers check it (an image type, valid base64, at most so many bytes), and
// refused in llama.cpp's words by a server whose model does not see.

/** A picture sent with a message, as the script sees it. */
export interface ChatImage {
  mime: string;
  base64: string;
  bytes: number;
}

/** Why a picture is refused: the message, and the param and code of OpenAI's error shape. */
export interface RefusedImage {
  refused: string;
  /** Relative to the part, like 'image_url.url'; null for the request as a whole. */
  param: string | null;
  code: string | null;
}

const DATA_URL = /^data:(image\/(?:png|jpeg|gif|webp));base64,(.*)$/s;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function readImagePart(
  part: Record<string, unknown>,
  options: { vision: boolean; maxImageBytes: number },
): ChatImage | RefusedImage {
  // llama.cpp's words when it has no vision projector loaded.
  if (!options.vision)
    return {
      refused:
        'image input is not supported - hint: if this is unexpected, you may need to provide the mmproj',
      param: null,
      code: null,
    };
  const image = part['image_url'];
  const url = isRecord(image) ? image['url'] : undefined;
  if (typeof url !== 'string')
    return {
      refused: "Missing required parameter: 'image_url.url'.",
      param: 'image_url.url',
      code: 'missing_required_parameter',
    };
  const found = DATA_URL.exec(url);
  if (!found)
    return {
      refused:
        "Invalid image URL: expected a base64-encoded data URL with an image MIME type (e.g. 'data:image/png;base64,...').",
      param: 'image_url.url',
      code: 'invalid_image_url',
    };
  const base64 = found[2] ?? '';
  if (base64.length === 0 || base64.length % 4 !== 0 || !BASE64.test(base64))
    return {
      refused: 'You uploaded an unsupported image. Please make sure your image is valid base64.',
      param: 'image_url.url',
      code: 'invalid_image_format',
    };
  const bytes = Buffer.byteLength(base64, 'base64');
  if (bytes > options.maxImageBytes)
    return {
      refused: `Image is too large: ${bytes} bytes exceeds the limit of ${options.maxImageBytes} bytes.`,
      param: 'image_url.url',
      code: 'image_too_large',
    };
  return { mime: found[1] ?? '', base64, bytes };
}
