/**
 * The web application: it routes requests to cameras and serves them; it assembles nothing.
 *
 * <p>{@link org.camstream.web.Endpoints} declares every URL once, with its guards, for the root and for every
 * camera's {@code /cam/<name>/}; {@link org.camstream.web.GuardFilter} applies the guards,
 * {@link org.camstream.web.CameraRouter} serves a camera's endpoints, and a {@link org.camstream.web.Route} on
 * the request tells a servlet its camera. {@link org.camstream.web.Viewers} lets viewers in, under the server's
 * and the camera's limits, and ends them when their camera goes. {@link org.camstream.web.StreamingResponse}
 * writes one HTTP viewer straight to Tomcat's socket, with a non-blocking vectored write per chunk;
 * {@link org.camstream.web.WebSocketViewer} one WebSocket viewer with asynchronous sends. Both write on the thread
 * that produced the chunk, one write at a time ({@link org.camstream.stream.WriteLoop}), and neither holds a lock
 * while writing. {@link org.camstream.web.LiveSettings} applies the admin page's changes one at a time. Errors are
 * JSON, from {@link org.camstream.web.Responses}.
 *
 * <p>As everywhere in camstream, no component calls out while it holds its own lock.
 */
package org.camstream.web;
