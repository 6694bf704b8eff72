/** Wire limits from draft-ietf-moq-transport-19 (section titles quoted). */
export const WireLimits = {
  /** "Control Messages": Message Length is 16 bits. */
  maxControlMessageBodyLength: 0xffff,
  /** "Reason Phrase Structure". */
  maxReasonPhraseLength: 1024,
  /** "Track Naming": at most 32 Track Namespace Fields. */
  maxNamespaceFields: 32,
  /** "Track Naming": Full Track Name at most 4,096 bytes. */
  maxFullTrackNameLength: 4096,
  /** "Key-Value-Pair Structure": a value is at most 2^16-1 bytes. */
  maxKeyValueLength: 0xffff,
  /** "GOAWAY": New Session URI at most 8,192 bytes. */
  maxGoAwayUriLength: 8192,
} as const;
