#!/usr/bin/env bash
# mock_tests.sh — integration tests of mdbus-mock-exchange, one per invocation:
#
#   bash mock_tests.sh TEST MOCK_BIN CLIENT_BIN [MIN_RATE]
#
# MIN_RATE: frames/s the throughput test demands (MDBUS_MOCK_MIN_RATE overrides).
# Each test starts the mock as a real process on 127.0.0.1, learns its port from the
# first line of its stdout (read through a FIFO: the read returns when the line is
# there, no polling), drives it with mock-client (a scripted Kraken v2 client that does
# the checking), stops it with SIGTERM and asserts exit code 0 and the counters in its
# --stats-file. Waits are bounded: the mock runs under timeout(1), the port read has a
# deadline, and the client has its own --timeout.
# Exit: 0 pass, 1 fail, 77 skipped (binaries missing).
set -u

name=${1:?test name}
MOCK=${2:?mock binary}
CLIENT=${3:?client binary}
MIN_RATE=${MDBUS_MOCK_MIN_RATE:-${4:-200000}}
FIX=${MDBUS_FIXTURES_DIR:-$(dirname "$0")/../fixtures/kraken}

if [ ! -x "$MOCK" ] || [ ! -x "$CLIENT" ]; then
	echo "skip: $MOCK or $CLIENT not built"
	exit 77
fi

MOCK_LIFETIME=45 # seconds; ctest's TIMEOUT is 60
T=$(mktemp -d "${TMPDIR:-/tmp}/mdbus-mock-test.XXXXXX") || exit 1
MOCK_PID=
# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() {
	# Only the test's own shell cleans up. A child forked for a background command runs
	# this trap too if a signal reaches it before it execs.
	[ "$BASHPID" = "$$" ] || return 0
	if [ -n "$MOCK_PID" ] && kill -0 "$MOCK_PID" 2>/dev/null; then
		kill -KILL "$MOCK_PID" 2>/dev/null
	fi
	exec 3<&- 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $name: $*" >&2
	if [ -f "$T/err" ]; then
		echo "--- mock stderr (last 40 lines):" >&2
		tail -n 40 "$T/err" >&2
	fi
	exit 1
}

# start_mock ARGS...: starts the mock; sets PORT and MOCK_PID.
start_mock() {
	rm -f "$T/port.fifo" "$T/stats"
	mkfifo "$T/port.fifo" || fail "mkfifo"
	# timeout(1) forwards SIGTERM to the mock and kills it if it outlives the test.
	# --foreground: without it timeout signals the mock twice (pid, then its process
	# group), and a second SIGTERM arriving during LeakSanitizer's exit-time scan has
	# been seen to hang ASan builds.
	timeout --foreground -s KILL "$MOCK_LIFETIME" "$MOCK" --stats-file "$T/stats" --log-level info "$@" \
		>"$T/port.fifo" 2>"$T/err" &
	MOCK_PID=$!
	# Opening the FIFO returns once the mock has it open; read -t bounds the wait for the line.
	exec 3<"$T/port.fifo"
	if ! read -r -t 15 PORT <&3; then
		fail "no port line from the mock within 15 s"
	fi
	[[ "$PORT" =~ ^[0-9]+$ ]] && [ "$PORT" -gt 0 ] && [ "$PORT" -lt 65536 ] ||
		fail "first stdout line is not a port number: '$PORT'"
}

# wait_mock: waits for the mock to exit; sets MOCK_RC. The mock runs under timeout(1)
# (see start_mock), which bounds the wait and passes our SIGTERM on to it.
wait_mock() {
	wait "$MOCK_PID"
	MOCK_RC=$?
	MOCK_PID=
	exec 3<&-
}

# stop_mock: SIGTERM, then the exit code must be 0.
stop_mock() {
	kill -TERM "$MOCK_PID" 2>/dev/null
	wait_mock
	[ "$MOCK_RC" -eq 0 ] || fail "mock exited with $MOCK_RC after SIGTERM, want 0 (137: killed by the ${MOCK_LIFETIME} s limit)"
	grep -q '^stats: connections=' "$T/err" || fail "no stats line on stderr at exit"
}

# stat KEY: a counter from the stats file.
stat() {
	sed -n "s/.* $1=\([0-9]*\).*/\1/p; s/^stats: $1=\([0-9]*\).*/\1/p" "$T/stats" | head -n1
}

expect_stat() { # KEY -eq|-ge VALUE
	local v ok
	v=$(stat "$1")
	[ -n "$v" ] || fail "stats file has no $1"
	case "$2" in
	-eq) ok=$((v == $3)) ;;
	-ge) ok=$((v >= $3)) ;;
	*) fail "expect_stat: bad operator $2" ;;
	esac
	[ "$ok" -eq 1 ] || fail "stat $1=$v, want $2 $3"
}

client() {
	"$CLIENT" --port "$PORT" "$@" || fail "mock-client $* failed"
}

# one_line FILE: a pretty-printed fixture as a single line
one_line() {
	tr -d '\n' <"$1" | sed 's/  */ /g'
}

case "$name" in
usage)
	"$MOCK" --bogus >"$T/out" 2>"$T/err2"
	rc=$?
	[ "$rc" -eq 2 ] || fail "--bogus exited $rc, want 2"
	[ "$(wc -l <"$T/err2")" -eq 1 ] || fail "--bogus printed $(wc -l <"$T/err2") lines on stderr, want 1"
	grep -q "unknown option '--bogus'" "$T/err2" || fail "unclear message: $(cat "$T/err2")"
	[ ! -s "$T/out" ] || fail "--bogus printed on stdout"
	for bad in "--port 70000" "--rate -1" "--fragment 0" "--loop" "--cert x.pem" "--drop-after" \
		"--replay /nonexistent --synthetic" "--log-level loud" "extra"; do
		# shellcheck disable=SC2086
		"$MOCK" $bad >/dev/null 2>"$T/err2"
		rc=$?
		[ "$rc" -eq 2 ] || fail "'$bad' exited $rc, want 2"
		[ "$(wc -l <"$T/err2")" -eq 1 ] || fail "'$bad' printed more than one line"
	done
	"$MOCK" --replay /nonexistent/file >/dev/null 2>"$T/err2"
	[ $? -eq 1 ] || fail "an unreadable --replay file must exit 1"
	grep -q "cannot open replay file" "$T/err2" || fail "unclear replay error: $(cat "$T/err2")"
	"$MOCK" --help >"$T/out" || fail "--help failed"
	for f in --port --tls --cert --key --cert-out --synthetic --symbols --rate --seed --replay \
		--loop --drop-after --stall-after --refuse --bad-checksum-every --garbage-every \
		--fragment --oversize-every --max-connections --stats-file --log-level; do
		grep -q -- "$f" "$T/out" || fail "--help does not mention $f"
	done
	"$MOCK" --version | grep -q '^mdbus-mock-exchange [0-9]' || fail "--version"
	;;
port_and_heartbeat)
	start_mock --port 0
	if command -v ss >/dev/null; then
		ss -ltnH "sport = :$PORT" | grep -q "127.0.0.1:$PORT" ||
			fail "not listening on 127.0.0.1:$PORT: $(ss -ltnH "sport = :$PORT")"
		ss -ltnH "sport = :$PORT" | grep -qv "127.0.0.1:$PORT" &&
			fail "listening on more than 127.0.0.1"
	fi
	client --scenario heartbeat --timeout 5
	stop_mock
	expect_stat connections -eq 1
	expect_stat heartbeats -ge 1
	;;
handshake)
	start_mock --synthetic --symbols BTC/USD,ETH/USD,XBT/USD --rate 50
	client --scenario handshake
	stop_mock
	expect_stat connections -eq 1
	expect_stat connections_closed -eq 1
	;;
handshake_tls)
	start_mock --tls --cert-out "$T/ca.pem" --rate 50
	grep -q 'BEGIN CERTIFICATE' "$T/ca.pem" || fail "--cert-out has no PEM certificate"
	if command -v openssl >/dev/null; then
		openssl x509 -in "$T/ca.pem" -noout -ext subjectAltName 2>/dev/null |
			grep -q 'IP Address:127.0.0.1' || fail "certificate lacks SAN IP:127.0.0.1"
		openssl x509 -in "$T/ca.pem" -noout -ext subjectAltName 2>/dev/null |
			grep -q 'DNS:localhost' || fail "certificate lacks SAN DNS:localhost"
	fi
	client --tls --ca "$T/ca.pem" --scenario handshake
	client --tls --ca "$T/ca.pem" --host localhost --scenario heartbeat --timeout 5
	if command -v openssl >/dev/null; then
		timeout 10 openssl s_client -connect "127.0.0.1:$PORT" -tls1_1 </dev/null >/dev/null 2>&1 &&
			fail "a TLS 1.1 handshake succeeded"
		timeout 10 openssl s_client -connect "127.0.0.1:$PORT" -CAfile "$T/ca.pem" \
			-alpn h2,http/1.1 </dev/null 2>/dev/null >"$T/sclient"
		grep -q 'ALPN protocol: http/1.1' "$T/sclient" || fail "ALPN did not settle on http/1.1"
		grep -q 'Verify return code: 0' "$T/sclient" || fail "certificate does not verify with its own PEM"
	fi
	stop_mock
	expect_stat connections -eq 2
	;;
tls_given_cert)
	command -v openssl >/dev/null || { echo "skip: no openssl command"; exit 77; }
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
		-subj /CN=localhost -addext subjectAltName=IP:127.0.0.1,DNS:localhost \
		-keyout "$T/key.pem" -out "$T/cert.pem" >/dev/null 2>&1 || fail "openssl req"
	start_mock --tls --cert "$T/cert.pem" --key "$T/key.pem" --cert-out "$T/out.pem"
	cmp -s "$T/cert.pem" "$T/out.pem" || fail "--cert-out is not the given certificate"
	client --tls --ca "$T/cert.pem" --scenario heartbeat --timeout 5
	stop_mock
	;;
tls_requires_ca)
	start_mock --tls
	client --tls --scenario tls-fail --timeout 10
	stop_mock
	expect_stat connections -eq 0
	;;
book_checksums)
	start_mock --synthetic --symbols BTC/USD,ETH/USD --rate 0 --seed 7
	client --scenario book --min-updates 3000
	stop_mock
	expect_stat book_updates -ge 3000
	expect_stat bad_checksums -eq 0
	;;
book_depth_25)
	start_mock --symbols BTC/USD,ETH/USD,SOL/USD --rate 4000 --seed 3
	client --scenario book --symbols BTC/USD,ETH/USD,SOL/USD --depth 25 --min-updates 400
	stop_mock
	expect_stat bad_checksums -eq 0
	;;
bad_checksum)
	start_mock --rate 0 --bad-checksum-every 7 --seed 11
	client --scenario book --bad-every 7 --min-updates 700
	stop_mock
	u=$(stat book_updates)
	expect_stat bad_checksums -eq $((u / 7))
	[ "$u" -ge 700 ] || fail "only $u book updates"
	;;
fragment)
	start_mock --rate 0 --fragment 3
	client --scenario book --fragments 3 --min-updates 300
	stop_mock
	;;
garbage)
	start_mock --rate 0 --garbage-every 10
	client --scenario book --garbage-every 10 --min-updates 300
	stop_mock
	d=$(stat data_frames)
	g=$(stat garbage)
	[ "$g" -eq $((d / 10)) ] || [ "$g" -eq $(((d + 1) / 10)) ] ||
		fail "garbage=$g for data_frames=$d with --garbage-every 10"
	;;
oversize)
	start_mock --rate 0 --oversize-every 100
	client --scenario book --oversize-every 100 --min-updates 300
	stop_mock
	expect_stat oversize -ge 1
	;;
refuse)
	start_mock --refuse 3
	if command -v curl >/dev/null; then
		code=$(curl -s -m 10 -o /dev/null -w '%{http_code}' -H 'Upgrade: websocket' \
			-H 'Connection: Upgrade' -H 'Sec-WebSocket-Version: 13' \
			-H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' "http://127.0.0.1:$PORT/v2")
		[ "$code" = 503 ] || fail "a refused handshake answered HTTP $code, want 503"
		client --scenario refuse --refusals 2
	else
		client --scenario refuse --refusals 3
	fi
	stop_mock
	expect_stat handshakes_refused -eq 3
	expect_stat connections -eq 1
	;;
determinism)
	for run in a b c; do
		seed=42
		[ $run = c ] && seed=43
		start_mock --rate 0 --seed $seed
		client --scenario dump --frames 300 --out "$T/dump.$run"
		stop_mock
		sed -E 's/"timestamp":"[^"]*"//g' "$T/dump.$run" >"$T/norm.$run"
	done
	[ "$(wc -l <"$T/norm.a")" -eq 300 ] || fail "dump has $(wc -l <"$T/norm.a") lines"
	cmp -s "$T/norm.a" "$T/norm.b" || fail "same --seed, different market: $(diff "$T/norm.a" "$T/norm.b" | head -3)"
	cmp -s "$T/norm.a" "$T/norm.c" && fail "different --seed, same market"
	;;
drop)
	start_mock --rate 0 --drop-after 25
	client --scenario drop --frames 25
	stop_mock
	expect_stat drops -eq 1
	expect_stat data_frames -eq 25
	;;
stall)
	start_mock --rate 0 --stall-after 15
	client --scenario stall --frames 15 --timeout 15
	stop_mock
	expect_stat stalls -eq 1
	expect_stat data_frames -eq 15
	;;
replay | replay_loop)
	# A recording as the publisher's --record writes it: "<ns>\t<frame>" lines (some
	# without the prefix), with the handshake traffic the mock must not replay.
	{
		printf '1696613755000000001\t%s\n' "$(one_line "$FIX/v2_status_update_doc.json")"
		printf '1696613755000000002\t%s\n' "$(one_line "$FIX/v2_instrument_subscribe_ack.json")"
		printf '1696613755000000003\t%s\n' "$(one_line "$FIX/v2_instrument_snapshot.json")"
		printf '%s\n' '{"method":"subscribe","result":{"channel":"book","depth":10,"snapshot":true,"symbol":"BTC/USD"},"success":true,"time_in":"2023-10-06T17:35:55.219022Z","time_out":"2023-10-06T17:35:55.219067Z"}'
		printf '1696613755000000004\t%s\n' "$(one_line "$FIX/v2_book_checksum_example_BTC_USD_wire.json")"
		printf '1696613755000000005\t%s\n' "$(one_line "$FIX/v2_heartbeat.json")"
		printf '1696613755000000006\t%s\n' "$(one_line "$FIX/v2_book_update_BTC_USD_derived.json")"
		printf '%s\n' '{"channel":"book","type":"update","data":[{"symbol":"ETH/USD","bids":[{"price":2500.01,"qty":1.5}],"asks":[],"checksum":1,"timestamp":"2023-10-06T17:35:55.500000Z"}]}'
		printf '%s\n' "$(cat "$FIX/v2_nonjson_text_frame_cloudflare_3rdparty.txt")"
		for i in $(seq 1 60); do
			printf '16966137560%08d\t{"channel":"trade","type":"update","data":[{"symbol":"BTC/USD","side":"buy","price":45285.2,"qty":0.%03d,"ord_type":"market","trade_id":%d,"timestamp":"2023-10-06T17:35:56.%06dZ"}]}\r\n' \
				"$i" "$i" "$((9000 + i))" "$i"
		done
		printf '%s\n' '{"channel":"ticker","type":"update","data":[{"symbol":"BTC/USD","bid":45283.5,"bid_qty":0.1,"ask":45285.2,"ask_qty":0.001,"last":45285.2,"volume":1234.5,"vwap":45100.1,"low":44000.0,"high":46000.0,"change":85.2,"change_pct":0.19,"timestamp":"2023-10-06T17:35:57.000000Z"}]}'
	} >"$T/rec.txt"
	# What a BTC/USD subscriber must get: the data lines, unprefixed, in order; not the
	# status/ack/heartbeat/instrument lines, and not the ETH/USD line it did not ask for.
	grep -v -E -e '"channel": ?"(status|heartbeat|instrument)"' -e '"method"' -e 'ETH/USD' \
		"$T/rec.txt" |
		sed 's/^[0-9]*\t//; s/\r$//' >"$T/expect.txt"
	[ "$(wc -l <"$T/expect.txt")" -eq 64 ] || fail "test setup: $(wc -l <"$T/expect.txt") expected lines"
	if [ "$name" = replay ]; then
		start_mock --replay "$T/rec.txt"
		client --scenario replay --symbols BTC/USD --expect "$T/expect.txt"
		stop_mock
		expect_stat data_frames -eq 64
		# The one recorded book update (checksum 38355977) replayed with a wrong checksum;
		# the snapshot is not an update and keeps its checksum.
		bad=$((38355977 ^ 0x5A5A0001))
		sed -E "s/(\"checksum\": ?)38355977/\1$bad/" "$T/expect.txt" >"$T/expect_bad.txt"
		cmp -s "$T/expect.txt" "$T/expect_bad.txt" && fail "test setup: no checksum to corrupt"
		start_mock --replay "$T/rec.txt" --bad-checksum-every 1
		client --scenario replay --symbols BTC/USD --expect "$T/expect_bad.txt"
		stop_mock
		expect_stat bad_checksums -eq 1
		expect_stat book_updates -eq 1
	else
		cat "$T/expect.txt" "$T/expect.txt" "$T/expect.txt" >"$T/expect3.txt"
		start_mock --replay "$T/rec.txt" --loop --rate 5000
		client --scenario replay --symbols BTC/USD --expect "$T/expect3.txt" --allow-more
		stop_mock
		expect_stat data_frames -ge 192
	fi
	;;
max_connections)
	start_mock --max-connections 1 --rate 50
	client --scenario handshake
	wait_mock
	[ "$MOCK_RC" -eq 0 ] || fail "mock exited $MOCK_RC after --max-connections 1, want 0"
	grep -q '^stats: connections=1 ' "$T/err" || fail "stats line missing or wrong"
	expect_stat connections_closed -eq 1
	;;
throughput)
	start_mock --rate 0 --symbols BTC/USD,ETH/USD --log-level notice
	client --scenario throughput --seconds 2 --min-rate "$MIN_RATE"
	stop_mock
	;;
*)
	fail "unknown test"
	;;
esac
echo "PASS: $name"
exit 0
