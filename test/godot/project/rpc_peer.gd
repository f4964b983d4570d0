# A Godot peer of the RPC tests: with --port a client of the server there (--address, default
# 127.0.0.1), else a server on a free port (reported); either way with the Game node
# (rpc_game.gd) and SceneMultiplayer's signals reported. --token: authenticate with it (client),
# or require it (server). --act=ACTION,TARGET: once joined, the Game node's act(ACTION, TARGET).
# --own: once joined, this client is the Game node's multiplayer authority (on its side only).
extends "res://program.gd"

var game: Node


func start() -> void:
	game = preload("res://rpc_game.gd").new()
	game.name = "Game"
	root.add_child(game)
	var api: SceneMultiplayer = get_multiplayer()
	api.peer_connected.connect(func(id): report("peer_connected", {"id": id}))
	api.peer_disconnected.connect(func(id): report("peer_disconnected", {"id": id}))
	api.peer_authentication_failed.connect(func(id): report("authentication_failed", {"id": id}))
	api.connected_to_server.connect(_on_joined)
	api.server_disconnected.connect(func(): report("server_disconnected", {}); quit(0))
	api.connection_failed.connect(func(): report("connection_failed", {}); quit(1))
	if option("token") != "":
		api.auth_callback = _on_auth
		api.peer_authenticating.connect(_on_authenticating)
	var peer := ENetMultiplayerPeer.new()
	if option("port") != "":
		var error := peer.create_client(option("address", "127.0.0.1"), int(option("port")))
		assert(error == OK)
	else:
		peer.set_bind_ip("127.0.0.1")
		var error := peer.create_server(0)
		assert(error == OK)
	api.multiplayer_peer = peer
	if peer.get_unique_id() == 1:
		report("listening", {"port": peer.host.get_local_port()})


func _on_joined() -> void:
	report("joined", {"id": get_multiplayer().get_unique_id()})
	if option("own") != "":
		game.set_multiplayer_authority(get_multiplayer().get_unique_id())
	if option("act") != "":
		var parts := option("act").split(",")
		game.act(parts[0], int(parts[1]))


func _on_authenticating(id: int) -> void:
	if id == 1:
		get_multiplayer().send_auth(1, option("token").to_utf8_buffer())
		get_multiplayer().complete_auth(1)


func _on_auth(id: int, data: PackedByteArray) -> void:
	if data.get_string_from_utf8() == option("token"):
		get_multiplayer().complete_auth(id)
	else:
		get_multiplayer().disconnect_peer(id)
