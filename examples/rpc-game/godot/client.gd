# A headless Godot client of examples/rpc-game: joins the server, adds the game node and lets it
# play; exits 0 when the game is over, 1 if the server goes away or --seconds (60) pass.
#   godot --headless --path examples/rpc-game/godot -s client.gd -- --host=127.0.0.1 --port=7777
extends SceneTree

var _deadline_ms := 0


func _initialize() -> void:
	var options := {"host": "127.0.0.1", "port": "7777", "seconds": "60"}
	for argument in OS.get_cmdline_user_args():
		var parts := argument.trim_prefix("--").split("=", true, 1)
		options[parts[0]] = parts[1] if parts.size() > 1 else ""
	_deadline_ms = Time.get_ticks_msec() + int(options.seconds) * 1000
	var game: Node = preload("res://game.gd").new()
	game.name = "Game"
	root.add_child(game)
	var multiplayer := get_multiplayer()
	multiplayer.connected_to_server.connect(func(): print("joined as player %d" % multiplayer.get_unique_id()))
	multiplayer.server_disconnected.connect(func():
		if not game.over:
			print("server gone")
			quit(1))
	multiplayer.connection_failed.connect(func(): print("cannot reach the server"); quit(1))
	var peer := ENetMultiplayerPeer.new()
	if peer.create_client(options.host, int(options.port)) != OK:
		print("cannot create the client")
		quit(1)
		return
	multiplayer.multiplayer_peer = peer


func _process(_delta: float) -> bool:
	if Time.get_ticks_msec() > _deadline_ms:
		print("no winner in time")
		quit(1)
	return false
