# A Godot client playing normally through a SceneMultiplayerServer (test/godot/budgets.test.ts):
# create_client + SceneMultiplayer, waits until --peers other clients are there, then for --play
# seconds sends, --hz times a second, a reliable RPC to all with --rpc-bytes of state and
# --raw-bytes with send_bytes to all (relayed by the server). Reports `playing` (its ID),
# `stopped` when it stops sending, then, --linger seconds later, `done` with what it sent and
# received, and quits.
extends "res://program.gd"

var peer := ENetMultiplayerPeer.new()
var game := Node.new()
var raw_from := {}
var sent := 0
var started_usec := 0
var next_usec := 0
var stopped_msec := 0


func start() -> void:
	Engine.max_fps = 240  # headless would otherwise spin a core
	game.name = "Game"
	game.set_script(load("res://budget_game.gd"))
	root.add_child(game)
	var scene_multiplayer := get_multiplayer() as SceneMultiplayer
	scene_multiplayer.peer_packet.connect(func(id: int, _bytes: PackedByteArray) -> void: raw_from[id] = raw_from.get(id, 0) + 1)
	var error := peer.create_client("127.0.0.1", int(option("port")))
	if error != OK:
		report("error", {"create_client": error})
		quit(1)
		return
	scene_multiplayer.multiplayer_peer = peer


func step() -> void:
	var scene_multiplayer := get_multiplayer()
	if started_usec == 0:
		if peer.get_connection_status() == MultiplayerPeer.CONNECTION_CONNECTED \
				and scene_multiplayer.get_peers().size() >= int(option("peers")) + 1:
			started_usec = Time.get_ticks_usec()
			next_usec = started_usec
			report("playing", {"id": scene_multiplayer.get_unique_id()})
		return
	if stopped_msec == 0:
		var play_until := started_usec + int(float(option("play", "5")) * 1e6)
		var period := int(1e6 / float(option("hz", "60")))
		var state := PackedByteArray()
		state.resize(int(option("rpc-bytes", "24")))
		var raw := PackedByteArray()
		raw.resize(int(option("raw-bytes", "48")))
		while next_usec <= Time.get_ticks_usec() and next_usec < play_until:
			game.rpc("tick", sent, state)
			scene_multiplayer.send_bytes(raw)
			sent += 1
			next_usec += period
		if next_usec >= play_until:
			stopped_msec = Time.get_ticks_msec()
			report("stopped", {"sent": sent})
		return
	if Time.get_ticks_msec() - stopped_msec >= int(float(option("linger", "2")) * 1000.0):
		report("done", {"sent": sent, "rpc_from": game.ticks, "raw_from": raw_from})
		quit(0)
