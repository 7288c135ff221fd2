/**
 * {@code GET /metrics}: what camstream already counts, in Prometheus's text format, read when Prometheus
 * scrapes ({@code docs/metrics.md}).
 *
 * <ul>
 *   <li>{@link org.camstream.metrics.CamstreamMetrics} is the server's registry: every camera's figures
 *       ({@link org.camstream.metrics.CameraCollector}), the recordings' disk, and the JVM's memory, threads,
 *       garbage collection and process figures from the Prometheus client's JVM instrumentation. It writes the
 *       exposition; the servlet is {@code web.MetricsServlet}, and its guard {@code web.MetricsGuard}.</li>
 *   <li>{@link org.camstream.metrics.Families} builds the metric families of one scrape.</li>
 * </ul>
 *
 * <p>Nothing here is called per frame. Every figure is read at scrape time from the counters and statuses the
 * {@code /api/status} document reads too (the {@code LongAdder}s of {@code stream.StreamStats} and
 * {@code hls.HlsCounters}, each process's status, the relays', the recorder's, the sound's level), so serving
 * metrics adds no lock, no allocation and no work to the path of a frame. A scrape allocates its snapshot and
 * its text, and takes no lock of its own; the statuses it reads take their owners' locks briefly, as
 * {@code /api/status} does, and none calls out under one.
 */
package org.camstream.metrics;
