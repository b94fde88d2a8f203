// The shared protocol code (protocol/) throws ProtocolError; an application catches the runtime's
// classes. Every place the runtime calls into protocol code that can throw passes the error
// through here: signature, digest and seal codes become SignatureError, a bad API key
// AlterValueError, a credential missing a field AlterSDKError("invalid_credential").
import { ProtocolError } from "../../protocol/errors.js";
import { AlterSDKError, AlterValueError, SignatureError } from "../errors.js";

/** The runtime's error for a ProtocolError (same code and message); any other value as it is. */
export function sdkError(error: unknown): unknown {
  if (!(error instanceof ProtocolError)) return error;
  switch (error.code) {
    case "invalid_api_key":
      return new AlterValueError(error.message, error.code);
    case "invalid_credential":
      return new AlterSDKError(error.code, error.message);
    default:
      return new SignatureError(error.code, error.message);
  }
}
