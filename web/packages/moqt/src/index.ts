export { AsyncQueue } from "./session/async-queue.ts";
export { type CertificateHash, CertificateHashSource, certificateHashFromHex, fetchCertificateHash } from "./session/certificate-hash.ts";
export { type ConnectOptions, type ConnectStep, connect, openSession } from "./session/connect.ts";
export { MoqtRequestError, MoqtSessionClosedError } from "./session/errors.ts";
export { type FetchOkInfo, FetchResponse } from "./session/fetch-response.ts";
export { bytesProperty, intProperty, type MoqtObject } from "./session/moqt-object.ts";
export { type NamespaceEvent, NamespaceSubscription } from "./session/namespace-subscription.ts";
export { PublishedNamespace } from "./session/published-namespace.ts";
export { PublishDoneCode, RequestErrorCode } from "./session/request-error-code.ts";
export { type GoAwayInfo, MoqtSession, type MoqtSessionOptions, type RequestProgress, type SessionCloseInfo } from "./session/session.ts";
export { MOQT_PROTOCOL, startTransport } from "./session/start-transport.ts";
export { MoqtStreamResetCode } from "./session/stream-reset-code.ts";
export type { FetchOptions, FetchRange, JoiningFetchStart, SubscribeFilter, SubscribeOptions } from "./session/subscribe-options.ts";
export { type PublishDoneInfo, Subscription, type SubscriptionUpdate } from "./session/subscription.ts";
export { GroupWriter, TrackWriter, type TrackWriterOptions, type WriteObjectOptions } from "./session/track-writer.ts";
export type { MoqtTransport, TransportBidirectionalStream, TransportCloseInfo } from "./session/web-transport.ts";
export { BufferedStreamReader, type BufferedStreamReaderOptions, type TryRead } from "./stream/buffered-stream-reader.ts";
export { type AuthorizationToken, AuthTokenAliasType } from "./wire/authorization-token.ts";
export { ByteReader, type Truncation } from "./wire/byte-reader.ts";
export { ByteWriter } from "./wire/byte-writer.ts";
export type { Fetch } from "./wire/control/fetch.ts";
export { FetchType } from "./wire/control/fetch.ts";
export type { FetchOk } from "./wire/control/fetch-ok.ts";
export type { GoAway } from "./wire/control/goaway.ts";
export type { Namespace } from "./wire/control/namespace.ts";
export type { NamespaceDone } from "./wire/control/namespace-done.ts";
export type { Publish } from "./wire/control/publish.ts";
export type { PublishDone } from "./wire/control/publish-done.ts";
export type { PublishNamespace } from "./wire/control/publish-namespace.ts";
export type { PublishSkipped } from "./wire/control/publish-skipped.ts";
export { REQUEST_ERROR_REDIRECT, type Redirect, type RequestError } from "./wire/control/request-error.ts";
export type { RequestOk } from "./wire/control/request-ok.ts";
export type { RequestUpdate } from "./wire/control/request-update.ts";
export { type Setup, SetupOptionType } from "./wire/control/setup.ts";
export type { Subscribe } from "./wire/control/subscribe.ts";
export type { SubscribeNamespace } from "./wire/control/subscribe-namespace.ts";
export type { SubscribeOk } from "./wire/control/subscribe-ok.ts";
export type { SubscribeTracks } from "./wire/control/subscribe-tracks.ts";
export type { TrackStatus } from "./wire/control/track-status.ts";
export {
  type ControlMessage,
  decodeControlMessage,
  decodeControlMessageBody,
  encodeControlMessage,
  tryReadControlMessage,
  writeControlMessage,
} from "./wire/control-message.ts";
export { type FetchHeader, tryReadFetchHeader, writeFetchHeader } from "./wire/data/fetch-header.ts";
export {
  type FetchObject,
  type FetchObjectHeader,
  FetchObjectKind,
  tryReadFetchObject,
  writeFetchObject,
} from "./wire/data/fetch-object.ts";
export { decodeFetchStream, encodeFetchStream, type FetchStream } from "./wire/data/fetch-stream.ts";
export { createFetchStreamState, type FetchStreamState } from "./wire/data/fetch-stream-state.ts";
export {
  decodeObjectDatagram,
  encodeObjectDatagram,
  isObjectDatagramType,
  type ObjectDatagram,
  objectDatagramType,
} from "./wire/data/object-datagram.ts";
export { ObjectStatus } from "./wire/data/object-status.ts";
export {
  decodePaddingDatagram,
  decodePaddingStream,
  encodePaddingDatagram,
  encodePaddingStream,
  type Padding,
} from "./wire/data/padding.ts";
export { classifyStreamType, isSubgroupHeaderType, StreamKind, StreamType } from "./wire/data/stream-type.ts";
export {
  type SubgroupHeader,
  SubgroupIdMode,
  subgroupStreamType,
  tryReadSubgroupHeader,
  writeSubgroupHeader,
} from "./wire/data/subgroup-header.ts";
export {
  type SubgroupObject,
  type SubgroupObjectHeader,
  tryReadSubgroupObject,
  writeSubgroupObject,
} from "./wire/data/subgroup-object.ts";
export { decodeSubgroupStream, encodeSubgroupStream, type SubgroupStream } from "./wire/data/subgroup-stream.ts";
export { MoqtErrorCode } from "./wire/error-code.ts";
export { GroupOrder } from "./wire/group-order.ts";
export { bytesPair, intPair, isBytesPair, type KeyValuePair } from "./wire/key-value-pair.ts";
export { WireLimits } from "./wire/limits.ts";
export { compareLocations, type Location } from "./wire/location.ts";
export { type LocationFilter, LocationFilterType, locationFilterEndGroup } from "./wire/location-filter.ts";
export { MessageParameterType, type RangeFilterType } from "./wire/message-parameter-type.ts";
export {
  isParameterAllowed,
  type MessageParameters,
  messageParameters,
  parameterCount,
} from "./wire/message-parameters.ts";
export { MoqtMessageType } from "./wire/message-type.ts";
export { NEED_MORE, type NeedMore } from "./wire/need-more.ts";
export { MoqtProtocolError } from "./wire/protocol-error.ts";
export { type RangeFilter, rangeCount } from "./wire/range-filter.ts";
export type { TrackNamespace } from "./wire/track-namespace.ts";
export { PropertyType } from "./wire/track-properties.ts";
export {
  decodeVi64,
  decodeVi64Number,
  VI64_MAX,
  VI64_MAX_LENGTH,
  vi64EncodedLength,
  vi64LengthFromFirstByte,
  writeVi64,
} from "./wire/vi64.ts";
