/**
 * Fragmented MP4 for live H.264, as Media Source Extensions play it: one
 * {@link org.camstream.mp4.InitSegment} per stream configuration, then one
 * {@link org.camstream.mp4.Fragment} per access unit, each preceded by a 'prft' box tying its
 * decode time to the frame's capture time. Fragments are built once and shared by all viewers.
 */
package org.camstream.mp4;
