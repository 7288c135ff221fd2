/**
 * Recording: each camera's own fMP4 fragments, written to disk as they are, kept within their bounds, and cut
 * into clips for playback.
 *
 * <pre>
 * &lt;data-dir&gt;/recordings/&lt;camera&gt;/&lt;date&gt;/&lt;time&gt;.mp4     a recording, playable on its own, with a 'sidx' once complete
 *                                             &lt;time&gt;.idx     its index, appended as it is written (RecordingIndex)
 * </pre>
 *
 * <ul>
 *   <li>{@link org.camstream.record.Recordings}: the server's part: the catalogue, the disk, the retention, and
 *       each recording camera's {@link org.camstream.record.Recorder}, which writes through a
 *       {@link org.camstream.record.SegmentWriter} per file.</li>
 *   <li>{@link org.camstream.record.RecordingCatalog}: every recording, from the indexes, ordered on the
 *       {@link org.camstream.record.RecordingClock} that survives a wall clock's jump; a
 *       {@link org.camstream.record.Timeline} of spans and gaps is what the playback API lists.</li>
 *   <li>{@link org.camstream.record.Retention}: age, total size and free space, the oldest first.</li>
 *   <li>{@link org.camstream.record.Clip}: one MP4 of a range, from the files as it is sent.</li>
 * </ul>
 *
 * <p>Data flows one way: the camera offers fragments, the recorder's thread writes them; the web layer only
 * asks the catalogue and streams a clip. The locking rule of {@link org.camstream.process} holds: a component
 * decides under its own lock and calls out after.
 */
package org.camstream.record;
