"""An HTTP/2 client (h2c, prior knowledge) that sends a POST body slowly, for BodyTimeoutTest.

usage: slow_body.py PORT PATH LENGTH INTERVAL_SECONDS MAX_SECONDS [INITIAL]

Opens one connection, sends HEADERS for a POST of LENGTH bytes, INITIAL of them at once (as flow
control allows), then one byte of DATA every INTERVAL_SECONDS until the body is sent or
MAX_SECONDS pass, and reads what the server sends.
Prints one line per event: "sent N", "response STATUS", "data TEXT", "reset CODE", "goaway CODE",
"closed", and last "end" with the bytes it sent. Uses python3-h2 (Debian's), frames built by
the library.
"""
import socket
import sys
import time

import h2.config
import h2.connection
import h2.events
import h2.exceptions

port, path, length, interval, max_seconds = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
initial = int(sys.argv[6]) if len(sys.argv) > 6 else 0

sock = socket.create_connection(("127.0.0.1", port))
conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True))
conn.initiate_connection()
stream = conn.get_next_available_stream_id()
conn.send_headers(stream, [(":method", "POST"), (":path", path), (":scheme", "http"),
                           (":authority", "localhost"), ("content-length", str(length))])
sock.sendall(conn.data_to_send())

sent = 0
finished = False
began = time.monotonic()
while sent < initial:
    window = min(conn.local_flow_control_window(stream), conn.max_outbound_frame_size, initial - sent)
    if window > 0:
        conn.send_data(stream, b"x" * window)
        sock.sendall(conn.data_to_send())
        sent += window
        continue
    for event in conn.receive_data(sock.recv(65536)):  # WINDOW_UPDATE, SETTINGS
        pass
    out = conn.data_to_send()
    if out:
        sock.sendall(out)
if initial:
    print("sent initial", sent, flush=True)
next_byte = began
while not finished and time.monotonic() - began < max_seconds:
    now = time.monotonic()
    if sent < length and now >= next_byte:
        try:
            conn.send_data(stream, b"x", end_stream=(sent + 1 == length))
            sock.sendall(conn.data_to_send())
        except Exception as e:  # the stream was reset meanwhile
            print("send failed", type(e).__name__, flush=True)
            break
        sent += 1
        print("sent", sent, flush=True)
        next_byte = now + interval
    sock.settimeout(max(0.01, min(next_byte - time.monotonic(), 0.5)) if sent < length else 0.5)
    try:
        data = sock.recv(65536)
    except socket.timeout:
        continue
    except OSError:
        print("closed", flush=True)
        break
    if not data:
        print("closed", flush=True)
        break
    for event in conn.receive_data(data):
        if isinstance(event, h2.events.ResponseReceived):
            print("response", dict(event.headers)[b":status"].decode(), flush=True)
        elif isinstance(event, h2.events.DataReceived):
            print("data", event.data.decode(errors="replace").strip(), flush=True)
            conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
        elif isinstance(event, h2.events.StreamReset):
            print("reset", int(event.error_code), flush=True)
            finished = True
        elif isinstance(event, h2.events.ConnectionTerminated):
            print("goaway", int(event.error_code), flush=True)
            finished = True
        elif isinstance(event, h2.events.StreamEnded):
            finished = True
    out = conn.data_to_send()
    if out:
        sock.sendall(out)
# what follows the end of the stream (a RST_STREAM telling the client to stop sending, say)
sock.settimeout(1.0)
try:
    while True:
        data = sock.recv(65536)
        if not data:
            print("closed", flush=True)
            break
        for event in conn.receive_data(data):
            if isinstance(event, h2.events.StreamReset):
                print("reset", int(event.error_code), flush=True)
            elif isinstance(event, h2.events.ConnectionTerminated):
                print("goaway", int(event.error_code), flush=True)
except (socket.timeout, OSError, h2.exceptions.ProtocolError):
    pass
print("end", sent, flush=True)
sock.close()
