# The game node, at /root/Game on every peer (the server declares the same methods in Node):
# sends this player's input, takes the server's state, and steers toward the coin by itself.
extends Node

## Sent inputs per second at most.
const INPUT_RATE := 20.0

## Set once the server announced the winner.
var over := false
var positions := {}
var coin := Vector2.ZERO
var _next_input_ms := 0


## Runs on the server: this player's wanted direction (length up to 1).
@rpc("any_peer", "call_remote", "unreliable_ordered", 1)
func move(_direction: Vector2) -> void:
	pass


## From the server, 20 times a second: every player's position by ID, and the coin's.
@rpc("authority", "call_remote", "unreliable_ordered", 2)
func state(new_positions: Dictionary, new_coin: Vector2) -> void:
	positions = new_positions
	coin = new_coin


@rpc("authority")
func scored(player: int, score: int) -> void:
	print("player %d scored %d%s" % [player, score, " (me)" if player == multiplayer.get_unique_id() else ""])


@rpc("authority")
func game_over(winner: int) -> void:
	print("game over: player %d wins%s" % [winner, " (me)" if winner == multiplayer.get_unique_id() else ""])
	over = true
	get_tree().quit(0)
	multiplayer.multiplayer_peer.close()  # leave at once: the server sees us go


func _process(_delta: float) -> void:
	var me: Variant = positions.get(multiplayer.get_unique_id())
	if me == null or Time.get_ticks_msec() < _next_input_ms:
		return
	_next_input_ms = Time.get_ticks_msec() + int(1000.0 / INPUT_RATE)
	move.rpc_id(1, (coin - me).normalized())
