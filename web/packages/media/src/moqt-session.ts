import { type MoqtObject, type MoqtSession, TrackWriter as MoqtTrackWriter, ObjectStatus } from "@moqlive/moqt";
import type { ChannelSubscriber, ReceivedObject, TrackReader, TrackWriter } from "./media-transport.ts";

/**
 * Opens a channel's tracks for {@link ChannelBroadcast} before its namespace is announced: `tracks` are then PUBLISHed
 * ({@link publishTracks}) and handed to `MoqtSession.publishNamespace` (docs/media-format.md "Publishing").
 */
export function channelTrackOpener(namespace: readonly string[]): {
  readonly open: (name: string, priority: number) => TrackWriter;
  readonly tracks: readonly MoqtTrackWriter[];
} {
  const tracks: MoqtTrackWriter[] = [];
  return {
    open: (name, priority) => {
      const track = new MoqtTrackWriter(namespace, name, { publisherPriority: priority });
      tracks.push(track);
      return trackWriter(track);
    },
    tracks,
  };
}

/**
 * PUBLISHes every track (draft-19 "PUBLISH") in parallel and waits for the answers, so the relay holds the tracks before
 * it learns the namespace (docs/media-format.md "Publishing"). A refusal is not fatal: the relay then gets the track by
 * SUBSCRIBE through the namespace, as from a publisher that does not PUBLISH. Resolves to the names of the tracks the
 * relay accepted.
 */
export async function publishTracks(session: MoqtSession, tracks: readonly MoqtTrackWriter[]): Promise<string[]> {
  const results = await Promise.allSettled(tracks.map((track) => session.publish(track)));
  const accepted: string[] = [];
  results.forEach((result, i) => {
    const name = tracks[i]?.name ?? "?";
    if (result.status === "fulfilled") accepted.push(name);
    else console.warn(`PUBLISH ${name} refused; the relay subscribes to it instead:`, result.reason);
  });
  return accepted;
}

/** docs/media-format.md's object numbering over a session track: objects 0, 1, 2, ... per group. */
function trackWriter(track: MoqtTrackWriter): TrackWriter {
  return {
    startGroup: (groupId) => {
      const group = track.openGroup(groupId);
      return {
        write: (objectId, properties, payload) => {
          const location = group.write(payload, { properties });
          // The session numbers objects 0, 1, 2, ... per group, as docs/media-format.md does.
          if (location.object !== objectId) throw new Error(`object ${objectId} written as ${location.object}`);
        },
        close: () => group.close(),
      };
    },
    close: () => track.close(),
    get closed() {
      return track.closed;
    },
  };
}

/**
 * Subscribes to a channel's tracks over a MOQT session. A joining subscription first delivers the current group from
 * its first object through a joining FETCH (draft-19 "Joining Fetches", 0 groups back, sent with the SUBSCRIBE), then
 * the subscription's objects after the last fetched one.
 */
export function channelSubscriber(session: MoqtSession, namespace: readonly string[]): ChannelSubscriber {
  return {
    async subscribe(track: string, joining: boolean): Promise<TrackReader> {
      // The joining FETCH goes out right behind the SUBSCRIBE (draft-19 "Joining Fetches"): one round trip, not two.
      const { subscription, fetch: fetching } = joining
        ? await session.subscribeWithJoiningFetch(namespace, track)
        : { subscription: await session.subscribe(namespace, track), fetch: undefined };
      const fetch = await fetching?.catch(() => undefined);
      async function* objects(): AsyncGenerator<ReceivedObject> {
        let last: MoqtObject | undefined;
        if (fetch !== undefined) {
          try {
            for await (const object of fetch.objects) {
              if (object.status !== ObjectStatus.Normal) continue;
              last = object;
              yield { ...received(object), fetched: true };
            }
          } catch {
            // A failed fetch only costs the fast start; the subscription continues.
          }
        }
        for await (const object of subscription.objects) {
          if (object.status !== ObjectStatus.Normal) continue;
          if (last !== undefined && (object.group < last.group || (object.group === last.group && object.id <= last.id))) continue;
          yield received(object);
        }
      }
      return {
        [Symbol.asyncIterator]: () => objects(),
        close: () => {
          // Best effort: the session may already be closing, and a failed cancel must not stop a rendition switch.
          for (const stop of [() => fetch?.cancel(), () => subscription.unsubscribe()]) {
            try {
              stop();
            } catch (e) {
              console.warn(`Closing ${track}:`, e);
            }
          }
        },
      };
    },
  };
}

function received(object: MoqtObject): ReceivedObject {
  return { groupId: object.group, objectId: object.id, properties: object.properties, payload: object.payload };
}
