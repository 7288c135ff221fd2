/**
 * H.264 (AVC) elementary streams: splitting Annex B byte streams into NAL units
 * ({@link org.camstream.codec.h264.AnnexBReader}), grouping them into pictures
 * ({@link org.camstream.codec.h264.AccessUnitAssembler}), and reading the sequence parameter set
 * ({@link org.camstream.codec.h264.SpsParser}).
 *
 * <p>Streaming parsers here never throw on bad input: garbage is skipped and counted, and memory
 * is bounded by caps given at construction. Values ({@code NalUnit}, {@code AccessUnit},
 * {@code Sps}) are immutable and can be shared across threads and viewers.
 */
package org.camstream.codec.h264;
