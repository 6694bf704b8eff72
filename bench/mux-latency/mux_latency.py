#!/usr/bin/env python3
"""When does each frame leave ffmpeg? Feeds raw 640x360 frames at 30 fps into ffmpeg (x264 as the testbed encodes,
one or two renditions) and timestamps, per stream, the moment each frame is complete in ffmpeg's stdout: an MPEG-TS
PES whose PES_packet_length is all in, or a fragmented MP4 moof + mdat. Prints the median delay after the frame was
written to ffmpeg, per stream (frames 5 and on). Usage (BENCHMARKS.md, "Testbed: MPEG-TS ingest"):
  mux_latency.py one|two FFMPEG_OUTPUT_ARGS... pipe:1
  mux_latency.py raw FFMPEG_ARGS_AFTER_THE_INPUT...      (your own -map/-c:v; only stdout is measured)
"""
import os, random, struct, subprocess, sys, threading, time

W, H, FPS, FRAMES = 640, 360, 30, 60
X264 = ["-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-bf", "0", "-pix_fmt", "yuv420p",
        "-flags", "+global_header", "-g", "30", "-keyint_min", "30", "-sc_threshold", "0"]
mode, extra = sys.argv[1], sys.argv[2:]
maps = {"one": ["-map", "0:v"] + X264,
        "two": ["-filter_complex", "[0:v]split=2[hd][low];[low]scale=320:180[sd]", "-map", "[hd]", "-map", "[sd]"] + X264,
        "raw": []}[mode]
args = ["ffmpeg", "-hide_banner", "-loglevel", "warning", "-nostats", "-f", "rawvideo", "-pix_fmt", "gray",
        "-video_size", f"{W}x{H}", "-framerate", str(FPS), "-i", "-"] + maps + extra
ffmpeg = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
written, done = {}, []  # frame index -> write time; (stream, media time, completion time)


def ts(buf, now, pes, first):
    while len(buf) >= 188:
        p, buf = buf[:188], buf[188:]
        pid, afc = ((p[1] & 0x1F) << 8) | p[2], (p[3] >> 4) & 3
        if pid < 0x100 or pid == 0x1FFF or not afc & 1:
            continue
        payload = p[4 + (1 + p[4] if afc & 2 else 0):]
        if p[1] & 0x40:
            length, header = (payload[4] << 8) | payload[5], payload[8]
            b = payload[9:14]
            pts = ((b[0] >> 1) & 7) << 30 | b[1] << 22 | (b[2] >> 1) << 15 | b[3] << 7 | b[4] >> 1
            first.setdefault(pid, pts)
            pes[pid] = [length - 3 - header if length else -1, len(payload) - 9 - header, (pts - first[pid]) / 90000]
        elif pid in pes:
            pes[pid][1] += len(payload)
        s = pes.get(pid)
        if s and 0 <= s[0] <= s[1]:
            done.append((pid, s[2], now))
            del pes[pid]
    return buf


def child(box, path):
    i = 8
    while i + 8 <= len(box):
        size, kind = struct.unpack(">I4s", box[i:i + 8])
        if kind == path[0]:
            return box[i:i + size] if len(path) == 1 else child(box[i:i + size], path[1:])
        i += size


def mp4(buf, now, state, first):
    while len(buf) >= 8:
        size, kind = struct.unpack(">I4s", buf[:8])
        if len(buf) < size:
            break
        box, buf = buf[:size], buf[size:]
        if kind == b"moov":
            state["timescale"] = {}
            j = 8
            while j < len(box):
                s2, k2 = struct.unpack(">I4s", box[j:j + 8])
                if k2 == b"trak":
                    t = box[j:j + s2]
                    tid = struct.unpack(">I", child(t, [b"tkhd"])[20:24])[0]
                    mdhd = child(t, [b"mdia", b"mdhd"])
                    state["timescale"][tid] = struct.unpack(">I", mdhd[20:24] if mdhd[8] == 0 else mdhd[28:32])[0]
                j += s2
        elif kind == b"moof":
            state["pending"] = []
            j = 8
            while j < len(box):
                s2, k2 = struct.unpack(">I4s", box[j:j + 8])
                if k2 == b"traf":
                    t = box[j:j + s2]
                    tid = struct.unpack(">I", child(t, [b"tfhd"])[12:16])[0]
                    tfdt = child(t, [b"tfdt"])
                    dt = struct.unpack(">Q", tfdt[12:20])[0] if tfdt[8] == 1 else struct.unpack(">I", tfdt[12:16])[0]
                    first.setdefault(tid, dt)
                    state["pending"].append((tid, (dt - first[tid]) / state["timescale"][tid]))
                j += s2
        elif kind == b"mdat":
            done.extend((tid, t, now) for tid, t in state.pop("pending", []))
    return buf


def reader():
    buf, state, first, parse = b"", {}, {}, None
    while data := os.read(ffmpeg.stdout.fileno(), 1 << 20):
        now = time.monotonic()
        buf += data
        parse = parse or (ts if buf[0] == 0x47 else mp4)
        buf = parse(buf, now, state, first)


threading.Thread(target=reader, daemon=True).start()
for i in range(FRAMES):
    frame = bytes(random.randrange(256) for _ in range(64)) * (W * H // 64)
    written[i] = time.monotonic()
    ffmpeg.stdin.write(frame)
    time.sleep(1 / FPS)
time.sleep(0.5)
ffmpeg.stdin.close()
ffmpeg.wait()
for stream in sorted({d[0] for d in done}):
    delays = sorted(1000 * (at - written[round(t * FPS)]) for s, t, at in done if s == stream and 5 <= round(t * FPS) < FRAMES)
    print(f"stream {stream:#x}: {len(delays)} frames, median {delays[len(delays) // 2]:.1f} ms after the frame was written "
          f"(min {delays[0]:.1f}, max {delays[-1]:.1f})")
