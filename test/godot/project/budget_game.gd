# The RPC target of budget_player.gd: the same node path (/root/Game) on every client.
extends Node

## RPCs received, by sender ID.
var ticks := {}


@rpc("any_peer", "call_remote", "reliable")
func tick(_n: int, _state: PackedByteArray) -> void:
	var from := multiplayer.get_remote_sender_id()
	ticks[from] = ticks.get(from, 0) + 1
