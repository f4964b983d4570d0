# What the multiplayer programs (mp_*.gd) share: the test's commands, one JSON object per line
# over a TCP connection to 127.0.0.1:--control (test/godot/multiplayer.ts), each answered by a
# `did` report; reports of SceneMultiplayer's signals; and the RPC node, /root/Rpc on every peer.
extends "res://program.gd"

const MODES := {
	"unreliable": MultiplayerPeer.TRANSFER_MODE_UNRELIABLE,
	"ordered": MultiplayerPeer.TRANSFER_MODE_UNRELIABLE_ORDERED,
	"reliable": MultiplayerPeer.TRANSFER_MODE_RELIABLE,
}

## The program's multiplayer peer (each program creates it as its role needs).
var peer := ENetMultiplayerPeer.new()
var _control := StreamPeerTCP.new()
var _received := ""


## The RPC target: the same path (/root/Rpc) on every peer, as SceneMultiplayer requires.
class RpcNode extends Node:
	signal heard(from: int, text: String, method: String)

	@rpc("any_peer", "call_remote", "reliable")
	func hear(text: String) -> void:
		heard.emit(multiplayer.get_remote_sender_id(), text, "hear")

	@rpc("any_peer", "call_remote", "unreliable_ordered", 3)
	func hear_on_channel(text: String) -> void:
		heard.emit(multiplayer.get_remote_sender_id(), text, "hear_on_channel")


func start() -> void:
	if option("control") != "":
		_control.connect_to_host("127.0.0.1", int(option("control")))


func step() -> void:
	_control.poll()
	if _control.get_status() != StreamPeerTCP.STATUS_CONNECTED or _control.get_available_bytes() == 0:
		return
	var chunk: Array = _control.get_partial_data(_control.get_available_bytes())
	_received += (chunk[1] as PackedByteArray).get_string_from_utf8()
	var lines := _received.split("\n")
	_received = lines[lines.size() - 1]
	for index in lines.size() - 1:
		var command: Dictionary = JSON.parse_string(lines[index])
		var result = call("do_" + command["do"], command)
		report("did", {"do": command["do"], "result": result})


## The transfer mode named `name` (unreliable, ordered, reliable).
func mode_of(name: String) -> int:
	return MODES[name]


## The name of transfer mode `mode`.
func mode_name(mode: int) -> String:
	return MODES.find_key(mode)


## Reports every signal of `multiplayer`, and of the RPC node it adds under root.
func watch(multiplayer: SceneMultiplayer) -> void:
	multiplayer.peer_connected.connect(func(id: int) -> void: report("peer_connected", {"id": id}))
	multiplayer.peer_disconnected.connect(func(id: int) -> void: report("peer_disconnected", {"id": id}))
	multiplayer.connected_to_server.connect(func() -> void:
		report("connected_to_server", {"id": multiplayer.get_unique_id()}))
	multiplayer.connection_failed.connect(func() -> void: report("connection_failed"))
	multiplayer.server_disconnected.connect(func() -> void: report("server_disconnected"))
	multiplayer.peer_authenticating.connect(func(id: int) -> void: report("peer_authenticating", {"id": id}))
	multiplayer.peer_authentication_failed.connect(func(id: int) -> void:
		report("peer_authentication_failed", {"id": id}))
	multiplayer.peer_packet.connect(func(id: int, bytes: PackedByteArray) -> void:
		report("peer_packet", {"from": id, "text": bytes.get_string_from_utf8()}))
	var rpc_node := RpcNode.new()
	rpc_node.name = "Rpc"
	rpc_node.heard.connect(func(from: int, text: String, method: String) -> void:
		report("rpc", {"from": from, "text": text, "method": method}))
	root.add_child(rpc_node)


## Command `send`: `send_bytes(text, to, mode, channel)`.
func do_send(command: Dictionary) -> int:
	return get_multiplayer().send_bytes(command["text"].to_utf8_buffer(), int(command.get("to", 0)),
		mode_of(command.get("mode", "reliable")), int(command.get("channel", 0)))


## Command `rpc`: calls `hear(text)` (or `method`) on /root/Rpc of peer `to` (0: every peer).
func do_rpc(command: Dictionary) -> int:
	return root.get_node("Rpc").rpc_id(int(command.get("to", 0)), command.get("method", "hear"), command["text"])


## Command `peers`: the IDs SceneMultiplayer knows.
func do_peers(_command: Dictionary) -> Array:
	return Array(get_multiplayer().get_peers())


## Command `close`: closes the multiplayer peer (ENet disconnects its peers at once).
func do_close(_command: Dictionary) -> int:
	peer.close()
	return OK


## Command `refuse`: sets refuse_new_connections of the multiplayer peer to `on`.
func do_refuse(command: Dictionary) -> bool:
	peer.refuse_new_connections = command["on"]
	return peer.refuse_new_connections


## Command `quit`: exits with `code`.
func do_quit(command: Dictionary) -> int:
	quit(int(command.get("code", 0)))
	return OK
