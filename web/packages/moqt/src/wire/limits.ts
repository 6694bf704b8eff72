/** Wire limits from draft-ietf-moq-transport-19. */
export const WireLimits = {
  /** §9: Length is 16 bits. */
  maxControlMessageBodyLength: 0xffff,
  /** §1.4.3 Reason Phrase. */
  maxReasonPhraseLength: 1024,
  /** §2.4.1: at most 32 Track Namespace Fields. */
  maxNamespaceFields: 32,
  /** §2.4.1: Full Track Name at most 4096 bytes. */
  maxFullTrackNameLength: 4096,
  /** §1.4.2 Key-Value-Pair value at most 2^16-1 bytes. */
  maxKeyValueLength: 0xffff,
  /** §9.4 GOAWAY New Session URI. */
  maxGoAwayUriLength: 8192,
} as const;
