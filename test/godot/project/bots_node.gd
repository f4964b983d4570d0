# The node the bots call by RPC (/root/Bots in bots_server.gd): counts the calls and answers each
# with reply(size) to its sender. bots-rpc.json in the test declares the same two methods.
extends Node

var calls := 0
var call_bytes := 0
var replies := 0


@rpc("any_peer", "call_remote", "reliable")
func bot_rpc(data: PackedByteArray) -> void:
	calls += 1
	call_bytes += data.size()
	if rpc_id(multiplayer.get_remote_sender_id(), "reply", data.size()) == OK:
		replies += 1


@rpc("authority", "call_remote", "reliable")
func reply(_size: int) -> void:
	pass
