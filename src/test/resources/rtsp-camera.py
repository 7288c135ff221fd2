#!/usr/bin/env python3
"""An IP camera for camstream's tests: Debian's GStreamer RTSP server with one mount path on 127.0.0.1.

H.264 test pattern (videotestsrc with a clock) as pay0, optionally AAC sound (a sine tone) as pay1, one shared
media for every client, optionally RTSP Basic authentication for a single user. Prints "READY <port>" on stdout
once the server listens, and stops cleanly on SIGTERM or SIGINT (and, with --exit-on-stdin-eof, when its
parent goes away and stdin closes). The password is never printed: pass it in an environment variable with
--password-env rather than --password, which would show in the process list.

Exit codes: 0 stopped by a signal or end of stdin, 2 bad arguments, 3 the port could not be bound before the
deadline, 4 the pipeline or the GStreamer installation is unusable.

With --relay URL it encodes nothing: it serves the H.264 of another RTSP server as it comes (rtspsrc over TCP,
depayloaded and payloaded again, one shared media), for benchmarks that compare RTSP servers on the same pictures.

Example: rtsp-camera.py --port 8554 --path /cam --width 640 --height 360 --fps 15 --audio
"""

import argparse
import os
import signal
import sys
import time

PATTERNS = ["smpte", "snow", "black", "white", "red", "green", "blue", "checkers-1", "checkers-2", "checkers-4",
            "checkers-8", "circular", "blink", "smpte75", "zone-plate", "gamut", "chroma-zone-plate", "solid-color",
            "ball", "smpte100", "bar", "pinwheel", "spokes", "gradient", "colors", "smpte-rp-219"]
# Debian 12: avenc_aac in gstreamer1.0-libav, voaacenc in gstreamer1.0-plugins-bad; fdkaacenc is not packaged.
AAC_ENCODERS = ["avenc_aac", "voaacenc", "fdkaacenc"]
VIDEO_ELEMENTS = ["videotestsrc", "x264enc", "rtph264pay"]
RELAY_ELEMENTS = ["rtspsrc", "rtph264depay", "h264parse", "rtph264pay"]
AUDIO_ELEMENTS = ["audiotestsrc", "audioconvert", "audioresample", "rtpmp4gpay"]

EXIT_BIND = 3
EXIT_BROKEN = 4


def log(message):
    try:
        print("rtsp-camera: " + message, file=sys.stderr, flush=True)
    except OSError:  # nobody reads stderr any more (the parent is gone): carry on, and stop as asked
        sys.stderr = open(os.devnull, "w")


def parse_args(argv):
    p = argparse.ArgumentParser(description="RTSP test camera (GStreamer RTSP server) on 127.0.0.1")
    p.add_argument("--port", type=int, required=True, help="TCP port on 127.0.0.1")
    p.add_argument("--path", default="/cam", help="the one mount path, e.g. /cam")
    p.add_argument("--width", type=int, default=640)
    p.add_argument("--height", type=int, default=360)
    p.add_argument("--fps", type=int, default=15)
    p.add_argument("--bitrate", type=int, default=1000, help="H.264 bitrate in kbit/s")
    p.add_argument("--profile", choices=["baseline", "main", "high"], default="main")
    p.add_argument("--test-pattern", choices=PATTERNS, default="smpte")
    p.add_argument("--no-clock", action="store_true", help="no clockoverlay on the picture")
    p.add_argument("--audio", action="store_true", help="add an AAC track (a 440 Hz tone) as pay1")
    p.add_argument("--audio-encoder", choices=AAC_ENCODERS, help="default: the first installed of " + ", ".join(AAC_ENCODERS))
    p.add_argument("--user", help="require RTSP Basic authentication as this user")
    p.add_argument("--password", help="the user's password (visible in the process list: prefer --password-env)")
    p.add_argument("--password-env", metavar="VAR", help="read the user's password from this environment variable")
    p.add_argument("--bind-timeout", type=float, default=0.0,
                   help="seconds to keep retrying when the port is still in use (a restart on the same port)")
    p.add_argument("--exit-on-stdin-eof", action="store_true", help="stop when stdin closes (the parent died)")
    p.add_argument("--check", action="store_true", help="only check the installation and the pipeline, then exit")
    p.add_argument("--relay", metavar="URL", help="serve the H.264 of this rtsp:// URL as it is, encoding nothing"
                   " (the size, fps, bitrate, profile and pattern options are then ignored)")
    args = p.parse_args(argv)
    if args.relay is not None and (not args.relay.startswith("rtsp://") or "@" in args.relay.split("/")[2]):
        p.error("--relay takes an rtsp:// URL without a login")
    if args.relay is not None and args.audio:
        p.error("--relay serves the video only: no --audio")
    if not args.path.startswith("/") or len(args.path) < 2:
        p.error("--path must start with / and name a mount, e.g. /cam")
    if not 0 <= args.port < 65536:
        p.error("--port must be 0..65535 (0: any free port)")
    for name in ("width", "height", "fps", "bitrate"):
        if getattr(args, name) <= 0:
            p.error("--%s must be positive" % name)
    if args.password_env is not None:
        if args.password is not None:
            p.error("give --password or --password-env, not both")
        args.password = os.environ.get(args.password_env)
        if args.password is None:
            p.error("the environment variable %s is not set" % args.password_env)
    if (args.user is None) != (args.password is None):
        p.error("--user and a password go together")
    if args.user is not None and (not args.user or ":" in args.user):
        p.error("--user must be non-empty and contain no ':'")
    return args


# x264's ultrafast preset turns CABAC and the 8x8 transform off, and x264 then writes Constrained Baseline into
# the SPS whatever profile the caps ask for: the profile's own tools are switched back on explicitly.
PROFILE_TOOLS = {"baseline": "", "main": " cabac=true", "high": " cabac=true dct8x8=true"}


def video_branch(args, Gst):
    overlay = ""
    if not args.no_clock and Gst.ElementFactory.find("clockoverlay") is not None:
        overlay = " ! clockoverlay shaded-background=true font-desc=\"Sans 20\""
    elif not args.no_clock:
        log("no clockoverlay (gstreamer1.0-x): the picture has no clock")
    return ("videotestsrc is-live=true pattern={pattern}"
            " ! video/x-raw,format=I420,width={w},height={h},framerate={fps}/1{overlay}"
            " ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max={fps} bitrate={bitrate}{tools}"
            " ! video/x-h264,profile={profile}"
            " ! rtph264pay name=pay0 pt=96 config-interval=1").format(
        pattern=args.test_pattern, w=args.width, h=args.height, fps=args.fps, overlay=overlay,
        bitrate=args.bitrate, tools=PROFILE_TOOLS[args.profile], profile=args.profile)


def relay_branch(args):
    return ("rtspsrc location=\"{url}\" protocols=tcp latency=0 ! rtph264depay ! h264parse"
            " ! rtph264pay name=pay0 pt=96 config-interval=1").format(url=args.relay)


def audio_branch(encoder):
    return ("audiotestsrc is-live=true wave=sine freq=440 volume=0.3"
            " ! audioconvert ! audioresample ! audio/x-raw,rate=48000,channels=1"
            " ! {encoder} bitrate=64000 ! rtpmp4gpay name=pay1 pt=97").format(encoder=encoder)


def main(argv):
    args = parse_args(argv)
    try:
        import gi
        gi.require_version("Gst", "1.0")
        gi.require_version("GstRtspServer", "1.0")
        from gi.repository import GLib, Gst, GstRtspServer
    except (ImportError, ValueError) as e:
        log("GStreamer's RTSP server is not usable from %s: %s "
            "(apt-get install python3-gi gir1.2-gst-rtsp-server-1.0)" % (sys.executable, e))
        return EXIT_BROKEN
    Gst.init(None)

    needed = (RELAY_ELEMENTS if args.relay else VIDEO_ELEMENTS) + (AUDIO_ELEMENTS if args.audio else [])
    missing = [e for e in needed if Gst.ElementFactory.find(e) is None]
    encoder = None
    if args.audio:
        candidates = [args.audio_encoder] if args.audio_encoder else AAC_ENCODERS
        encoder = next((e for e in candidates if Gst.ElementFactory.find(e) is not None), None)
        if encoder is None:
            missing.append(" or ".join(candidates))
    if missing:
        log("missing GStreamer elements: " + ", ".join(missing))
        return EXIT_BROKEN

    launch = relay_branch(args) if args.relay else video_branch(args, Gst)
    if args.audio:
        launch += " " + audio_branch(encoder)
    launch = "( " + launch + " )"
    try:
        Gst.parse_launch(launch)  # every element exists and links; the media itself is made per first client
    except GLib.Error as e:
        log("bad pipeline %s: %s" % (launch, e.message))
        return EXIT_BROKEN
    log("pipeline " + launch)
    if args.check:
        return 0

    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))

    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(launch)
    factory.set_shared(True)  # one pipeline, one encoder, for every client

    if args.user is not None:
        auth = GstRtspServer.RTSPAuth()
        auth.set_realm("camstream-test-camera")
        token = GstRtspServer.RTSPToken()
        token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, args.user)
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(args.user, args.password), token)
        # Only this role may see and construct the media; anyone else (no default token) gets 401.
        role = Gst.Structure.new_empty(args.user)
        role.set_value(GstRtspServer.RTSP_PERM_MEDIA_FACTORY_ACCESS, True)
        role.set_value(GstRtspServer.RTSP_PERM_MEDIA_FACTORY_CONSTRUCT, True)
        factory.add_role_from_structure(role)
        server.set_auth(auth)

    server.get_mount_points().add_factory(args.path, factory)

    # GstRtspServer binds with SO_REUSEADDR, so TIME_WAIT is no obstacle; a port still held by a process that
    # is just going away is, for a moment: retry until the deadline.
    deadline = time.monotonic() + args.bind_timeout
    while True:
        try:
            source = server.create_source(None)
            break
        except GLib.Error as e:
            if time.monotonic() >= deadline:
                log("cannot listen on 127.0.0.1:%d: %s" % (args.port, e.message))
                return EXIT_BIND
            time.sleep(0.05)
    source.attach(None)
    bound = server.get_bound_port()

    loop = GLib.MainLoop()
    stopped_by = []

    def stop(why):
        if not stopped_by:
            stopped_by.append(why)
            loop.quit()
        return GLib.SOURCE_REMOVE

    GLib.unix_signal_add(GLib.PRIORITY_HIGH, signal.SIGTERM, stop, "SIGTERM")
    GLib.unix_signal_add(GLib.PRIORITY_HIGH, signal.SIGINT, stop, "SIGINT")
    if args.exit_on_stdin_eof:
        def on_stdin(fd, condition):
            if condition & (GLib.IO_HUP | GLib.IO_ERR) or not os.read(fd, 4096):
                return stop("end of stdin")
            return GLib.SOURCE_CONTINUE
        GLib.io_add_watch(sys.stdin.fileno(), GLib.PRIORITY_DEFAULT, GLib.IO_IN | GLib.IO_HUP | GLib.IO_ERR, on_stdin)

    if args.relay:
        log("serving rtsp://127.0.0.1:%d%s: the H.264 of %s as it comes, %s" % (
            bound, args.path, args.relay, "login required for user " + args.user if args.user is not None else "open"))
    else:
        log("serving rtsp://127.0.0.1:%d%s: %dx%d at %d fps, H.264 %s %d kbit/s%s, %s" % (
            bound, args.path, args.width, args.height, args.fps, args.profile, args.bitrate,
            ", AAC by " + encoder if args.audio else ", no sound",
            "login required for user " + args.user if args.user is not None else "open"))
    print("READY %d" % bound, flush=True)
    loop.run()
    log("stopping (%s)" % (stopped_by[0] if stopped_by else "main loop ended"))
    source.destroy()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
