package org.camstream.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.camstream.metrics.CamstreamMetrics;

/**
 * {@code GET /metrics}: the server's metrics, every camera's labelled with its name, in Prometheus's text format
 * ({@code docs/metrics.md}). What they are is {@link CamstreamMetrics}'s; who may read them, {@link MetricsGuard}'s.
 */
final class MetricsServlet extends HttpServlet {

    private final CamstreamMetrics metrics;

    MetricsServlet(CamstreamMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setStatus(HttpServletResponse.SC_OK);
        Responses.noCache(response);
        response.setContentType(CamstreamMetrics.CONTENT_TYPE);
        metrics.writeTo(response.getOutputStream());
    }
}
