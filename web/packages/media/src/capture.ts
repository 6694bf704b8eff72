/** Camera and microphone capture with device selection (main thread). */

export interface CaptureDevices {
  readonly cameras: MediaDeviceInfo[];
  readonly microphones: MediaDeviceInfo[];
}

export interface CaptureOptions {
  readonly cameraId?: string;
  readonly microphoneId?: string;
  readonly width?: number;
  readonly height?: number;
  readonly frameRate?: number;
}

/** A capture failure with a message a person can act on. */
export class CaptureError extends Error {
  override name = "CaptureError";
  /** The person or the browser refused the camera/microphone permission (it may be granted later). */
  readonly permissionDenied: boolean;

  constructor(message: string, permissionDenied = false) {
    super(message);
    this.permissionDenied = permissionDenied;
  }
}

export async function listCaptureDevices(): Promise<CaptureDevices> {
  const devices = await navigator.mediaDevices.enumerateDevices();
  return {
    cameras: devices.filter((d) => d.kind === "videoinput"),
    microphones: devices.filter((d) => d.kind === "audioinput"),
  };
}

export async function openCapture(options: CaptureOptions = {}): Promise<MediaStream> {
  if (navigator.mediaDevices?.getUserMedia === undefined) {
    throw new CaptureError("This page cannot use the camera: open it over HTTPS (or http://localhost) in a current browser.");
  }
  const video: MediaTrackConstraints = {
    width: { ideal: options.width ?? 1280 },
    height: { ideal: options.height ?? 720 },
    frameRate: { ideal: options.frameRate ?? 30 },
  };
  if (options.cameraId) video.deviceId = { exact: options.cameraId };
  const audio: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true, channelCount: { ideal: 2 } };
  if (options.microphoneId) audio.deviceId = { exact: options.microphoneId };
  try {
    return await navigator.mediaDevices.getUserMedia({ video, audio });
  } catch (e) {
    throw new CaptureError(captureErrorMessage(e), e instanceof DOMException && e.name === "NotAllowedError");
  }
}

export function captureErrorMessage(e: unknown): string {
  const name = e instanceof DOMException ? e.name : "";
  switch (name) {
    case "NotAllowedError":
    case "SecurityError":
      return "No permission to use the camera and microphone. Allow them for this site (the camera icon in the address bar) and try again.";
    case "NotFoundError":
    case "OverconstrainedError":
      return "No camera or microphone found. Connect one, or pick another device, and try again.";
    case "NotReadableError":
    case "AbortError":
      return "The camera or microphone is in use by another application. Close it and try again.";
    default:
      return `Cannot open the camera and microphone: ${e instanceof Error ? e.message : String(e)}`;
  }
}
