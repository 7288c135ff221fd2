package org.camstream.metrics;

import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import org.camstream.camera.Camera;
import org.camstream.camera.Cameras;
import org.camstream.record.Recordings;
import org.camstream.rtsp.RtspServer;

/**
 * The server's metrics, one registry of its own (never the client's global default, which a second
 * application in the same Tomcat would share): every camera's figures and the recordings' disk
 * ({@link CameraCollector}), and the JVM's memory, threads, garbage collection, buffer pools, classes, runtime
 * and process figures from the Prometheus client's JVM instrumentation. Everything is read when it is scraped,
 * and the registry itself is made at the first scrape.
 *
 * <p>Of that instrumentation, the memory pools' allocation counters are left out: they put a listener on every
 * garbage collector's MXBean, which the JVM would keep after the application is undeployed from a Tomcat, and
 * with it the application's classes. So is native memory tracking, which is off unless the JVM was started with
 * it.
 */
public final class CamstreamMetrics {

    /** The Prometheus text format, version 0.0.4. */
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private final Cameras cameras;
    private final Recordings recordings;
    private final Supplier<RtspServer> rtsp;
    private final ToIntFunction<Camera> hlsPlayers;
    /**
     * Made at the first scrape, not at start: the client's classes and the JVM's MXBeans cost some 60 ms on a
     * 2-core x86 machine, several times that on a small board, and a server nobody scrapes never pays it. Two
     * first scrapes at once may both make one; one is kept. No lock.
     */
    private final AtomicReference<Scraper> scraper = new AtomicReference<>();

    private CamstreamMetrics(Cameras cameras, Recordings recordings, Supplier<RtspServer> rtsp,
            ToIntFunction<Camera> hlsPlayers) {
        this.cameras = cameras;
        this.recordings = recordings;
        this.rtsp = rtsp;
        this.hlsPlayers = hlsPlayers;
    }

    /**
     * The metrics of these cameras.
     *
     * @param recordings the recordings' catalogue and disk, or null when there are none
     * @param rtsp the RTSP server at scrape time, or null while RTSP is off
     * @param hlsPlayers how many HLS players a camera has now (players make requests, not connections, so the
     *     web layer, which sees them, counts them)
     */
    public static CamstreamMetrics of(Cameras cameras, Recordings recordings, Supplier<RtspServer> rtsp,
            ToIntFunction<Camera> hlsPlayers) {
        return new CamstreamMetrics(cameras, recordings, rtsp == null ? () -> null : rtsp, hlsPlayers);
    }

    /** Collects every metric now and writes them in the Prometheus text format ({@link #CONTENT_TYPE}). */
    public void writeTo(OutputStream out) throws IOException {
        Scraper current = scraper.get();
        if (current == null) {
            scraper.compareAndSet(null, new Scraper(cameras, recordings, rtsp, hlsPlayers));
            current = scraper.get();
        }
        current.write(out);
    }

    /** The registry and its writer. */
    private static final class Scraper {
        private final PrometheusRegistry registry = new PrometheusRegistry();
        private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

        Scraper(Cameras cameras, Recordings recordings, Supplier<RtspServer> rtsp, ToIntFunction<Camera> hlsPlayers) {
            registry.register(new CameraCollector(cameras, recordings, rtsp, hlsPlayers));
            PrometheusProperties config = PrometheusProperties.get();
            JvmMemoryMetrics.builder(config).register(registry);
            JvmThreadsMetrics.builder(config).register(registry);
            JvmGarbageCollectorMetrics.builder(config).register(registry);
            JvmBufferPoolMetrics.builder(config).register(registry);
            JvmClassLoadingMetrics.builder(config).register(registry);
            JvmRuntimeInfoMetric.builder(config).register(registry);
            ProcessMetrics.builder(config).register(registry);
        }

        void write(OutputStream out) throws IOException {
            writer.write(out, registry.scrape());
        }
    }
}
