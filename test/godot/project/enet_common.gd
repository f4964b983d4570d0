# What the ENet programs (enet_server.gd, enet_client.gd) share: hosts configured from options,
# every event reported as a JSON line, and commands. A command is a JSON object with "do" (see
# run()) in a packet that starts with "CMD", from the test's end of the wire; it runs against the
# peer that sent it and reports "done" with its "tag" and result.
#
# Options: --compress=NONE|RANGE_CODER|FASTLZ|ZLIB|ZSTD, --quiet (no "receive" reports), --refuse;
# DTLS: see dtls_server_options() and dtls_client_options().
extends "res://program.gd"

const COMMAND_PREFIX := "CMD"
## The flags a packet can be sent with (get_packet_flags() may add ENet's internal bits).
const SEND_FLAGS := ENetPacketPeer.FLAG_RELIABLE | ENetPacketPeer.FLAG_UNSEQUENCED | ENetPacketPeer.FLAG_UNRELIABLE_FRAGMENT
const PEER_STATISTICS := {
	"PEER_PACKET_LOSS": ENetPacketPeer.PEER_PACKET_LOSS,
	"PEER_PACKET_LOSS_VARIANCE": ENetPacketPeer.PEER_PACKET_LOSS_VARIANCE,
	"PEER_ROUND_TRIP_TIME": ENetPacketPeer.PEER_ROUND_TRIP_TIME,
	"PEER_ROUND_TRIP_TIME_VARIANCE": ENetPacketPeer.PEER_ROUND_TRIP_TIME_VARIANCE,
	"PEER_LAST_ROUND_TRIP_TIME": ENetPacketPeer.PEER_LAST_ROUND_TRIP_TIME,
	"PEER_PACKET_THROTTLE": ENetPacketPeer.PEER_PACKET_THROTTLE,
	"PEER_PACKET_THROTTLE_LIMIT": ENetPacketPeer.PEER_PACKET_THROTTLE_LIMIT,
	"PEER_PACKET_THROTTLE_ACCELERATION": ENetPacketPeer.PEER_PACKET_THROTTLE_ACCELERATION,
	"PEER_PACKET_THROTTLE_DECELERATION": ENetPacketPeer.PEER_PACKET_THROTTLE_DECELERATION,
	"PEER_PACKET_THROTTLE_INTERVAL": ENetPacketPeer.PEER_PACKET_THROTTLE_INTERVAL,
}
const COMPRESSION_MODES := {
	"NONE": ENetConnection.COMPRESS_NONE,
	"RANGE_CODER": ENetConnection.COMPRESS_RANGE_CODER,
	"FASTLZ": ENetConnection.COMPRESS_FASTLZ,
	"ZLIB": ENetConnection.COMPRESS_ZLIB,
	"ZSTD": ENetConnection.COMPRESS_ZSTD,
}
const HOST_STATISTICS := {
	"HOST_TOTAL_SENT_DATA": ENetConnection.HOST_TOTAL_SENT_DATA,
	"HOST_TOTAL_SENT_PACKETS": ENetConnection.HOST_TOTAL_SENT_PACKETS,
	"HOST_TOTAL_RECEIVED_DATA": ENetConnection.HOST_TOTAL_RECEIVED_DATA,
	"HOST_TOTAL_RECEIVED_PACKETS": ENetConnection.HOST_TOTAL_RECEIVED_PACKETS,
}

var hosts: Array[ENetConnection] = []
var _peer_ids := {}
var _next_peer_id := 0


## Sets up a freshly created host from the options (compression, refusal).
func configure(connection: ENetConnection) -> void:
	connection.compress(COMPRESSION_MODES[option("compress", "NONE")])
	if option("refuse") == "true":
		connection.refuse_new_connections(true)
	hosts.append(connection)


## TLSOptions.server from --key and --cert (PEM files); with --generate, Godot makes them first
## (an RSA-2048 key, self-signed for --generate's subject) and saves them there.
func dtls_server_options() -> TLSOptions:
	var key := CryptoKey.new()
	var certificate := X509Certificate.new()
	if option("generate") != "":
		var crypto := Crypto.new()
		key = crypto.generate_rsa(2048)
		certificate = crypto.generate_self_signed_certificate(key, option("generate"))
		key.save(option("key"))
		certificate.save(option("cert"))
		return TLSOptions.server(key, certificate)
	if key.load(option("key")) != OK or certificate.load(option("cert")) != OK:
		report("fatal", {"why": "cannot load --key or --cert"})
		quit(2)
	return TLSOptions.server(key, certificate)


## TLSOptions for a client: --ca (PEM file, trusted chain), --common_name (override),
## --unsafe (client_unsafe).
func dtls_client_options() -> TLSOptions:
	var ca: X509Certificate = null
	if option("ca") != "":
		ca = X509Certificate.new()
		if ca.load(option("ca")) != OK:
			report("fatal", {"why": "cannot load --ca"})
			quit(2)
	if option("unsafe") == "true":
		return TLSOptions.client_unsafe(ca)
	return TLSOptions.client(ca, option("common_name"))


func peer_id(peer: ENetPacketPeer) -> int:
	if not _peer_ids.has(peer):
		_peer_ids[peer] = _next_peer_id
		_next_peer_id += 1
	return _peer_ids[peer]


func step() -> void:
	for connection in hosts:
		_service(connection)


func _service(connection: ENetConnection) -> void:
	while true:
		var event: Array = connection.service(0)
		var type: int = event[0]
		if type == ENetConnection.EVENT_NONE:
			return
		var peer: ENetPacketPeer = event[1]
		match type:
			ENetConnection.EVENT_ERROR:
				report("error", {"host": hosts.find(connection)})
				return
			ENetConnection.EVENT_CONNECT:
				report("connect", {"host": hosts.find(connection), "peer": peer_id(peer), "data": event[2],
					"channels": peer.get_channels(), "address": peer.get_remote_address(),
					"port": peer.get_remote_port(), "usec": Time.get_ticks_usec()})
			ENetConnection.EVENT_DISCONNECT:
				report("disconnect", {"host": hosts.find(connection), "peer": peer_id(peer), "data": event[2],
					"usec": Time.get_ticks_usec()})
			ENetConnection.EVENT_RECEIVE:
				var flags := peer.get_packet_flags() & SEND_FLAGS
				var packet := peer.get_packet()
				_receive(connection, peer, event[3], packet, flags)


func _receive(connection: ENetConnection, peer: ENetPacketPeer, channel: int, packet: PackedByteArray, flags: int) -> void:
	if packet.size() > COMMAND_PREFIX.length() and packet.slice(0, COMMAND_PREFIX.length()).get_string_from_ascii() == COMMAND_PREFIX:
		run(JSON.parse_string(packet.slice(COMMAND_PREFIX.length()).get_string_from_utf8()), connection, peer)
		return
	if option("quiet") != "true":
		report("receive", {"host": hosts.find(connection), "peer": peer_id(peer), "channel": channel, "size": packet.size(), "flags": flags,
			"sha256": sha256(packet)})


func sha256(data: PackedByteArray) -> String:
	var context := HashingContext.new()
	context.start(HashingContext.HASH_SHA256)
	if data.size() > 0:
		context.update(data)
	return context.finish().hex_encode()


## `size` bytes: "random" (incompressible) or "text" (compresses well).
func make_packet(size: int, fill: String) -> PackedByteArray:
	if size == 0:
		return PackedByteArray()
	if fill == "text":
		var text := "Godot and godot-enet speak ENet to each other. "
		return text.repeat(size / text.length() + 1).to_ascii_buffer().slice(0, size)
	return Crypto.new().generate_random_bytes(size)


## Runs one command against `peer` of `connection`.
func run(command: Dictionary, connection: ENetConnection, peer: ENetPacketPeer) -> void:
	var done := {"tag": command.get("tag", -1), "do": command["do"], "usec": Time.get_ticks_usec()}
	var channel := int(command.get("channel", 0))
	var flags := int(command.get("flags", ENetPacketPeer.FLAG_RELIABLE))
	match command["do"]:
		"send":
			# Each size on each channel in turn.
			var sent := []
			for size in command["sizes"]:
				for on_channel in command.get("channels", [channel]):
					var packet := make_packet(int(size), command.get("fill", "random"))
					var error := peer.send(int(on_channel), packet, flags)
					sent.append({"channel": on_channel, "size": packet.size(), "sha256": sha256(packet), "error": error})
			done["sent"] = sent
		"broadcast":
			var packet := make_packet(int(command["size"]), command.get("fill", "random"))
			connection.broadcast(channel, packet, flags)
			done["sha256"] = sha256(packet)
		"disconnect":
			peer.peer_disconnect(int(command.get("data", 0)))
		"disconnect_later":
			peer.peer_disconnect_later(int(command.get("data", 0)))
		"disconnect_now":
			peer.peer_disconnect_now(int(command.get("data", 0)))
		"timeout":
			peer.set_timeout(int(command["limit"]), int(command["min"]), int(command["max"]))
		"ping_interval":
			peer.ping_interval(int(command["ms"]))
		"throttle":
			peer.throttle_configure(int(command["interval"]), int(command["acceleration"]), int(command["deceleration"]))
		"stats":
			done["peer"] = {}
			for name in PEER_STATISTICS:
				done["peer"][name] = peer.get_statistic(PEER_STATISTICS[name])
			done["host"] = {}
			for name in HOST_STATISTICS:
				done["host"][name] = connection.pop_statistic(HOST_STATISTICS[name])
		"bandwidth_limit":
			connection.bandwidth_limit(int(command.get("in", 0)), int(command.get("out", 0)))
		"channel_limit":
			connection.channel_limit(int(command["limit"]))
		"socket_send":
			connection.socket_send(command["address"], int(command["port"]), make_packet(int(command["size"]), "text"))
		_:
			done["error"] = "unknown command"
	report("done", done)
