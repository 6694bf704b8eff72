import { Path } from "@moq/net";
import { connect, type RelayArgs } from "./connect.ts";

export interface SubscribeArgs extends RelayArgs {
  namespace: string;
  track: string;
  /** Objects to receive before returning. */
  count: number;
}

export interface ReceivedObject {
  group: number;
  object: number;
  payload: string;
}

export interface SubscribeResult {
  version: string;
  objects: ReceivedObject[];
  error?: string;
}

/** Subscribes through the relay and collects `count` objects, with their group and object IDs, in arrival order. */
export async function subscribe(args: SubscribeArgs): Promise<SubscribeResult> {
  const result: SubscribeResult = { version: "", objects: [] };
  try {
    const connection = await connect(args);
    result.version = connection.version;
    const broadcast = connection.consume(Path.from(args.namespace));
    const track = broadcast.subscribe(args.track);
    const decoder = new TextDecoder();
    while (result.objects.length < args.count) {
      const frame = await track.readFrameSequence();
      if (!frame) throw new Error(`the track ended after ${result.objects.length} objects`);
      result.objects.push({ group: frame.group, object: frame.frame, payload: decoder.decode(frame.payload) });
    }
    track.close();
    connection.close();
  } catch (e) {
    result.error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
  return result;
}
