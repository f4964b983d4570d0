# Godot 4's own server: create_server with the default SceneMultiplayer (server relay on), the
# reference the tests hold SceneMultiplayerServer to. Reports every signal (mp_common.gd).
#   --port=N [--auth=TOKEN]: an auth_callback that admits a client sending TOKEN (complete_auth)
#   and disconnects any other; [--auth-timeout=SECONDS]; [--relay=no]: server_relay off;
#   [--max-clients=N]
extends "res://mp_common.gd"


func start() -> void:
	super.start()
	var multiplayer := get_multiplayer() as SceneMultiplayer
	watch(multiplayer)
	multiplayer.server_relay = option("relay", "yes") == "yes"
	if option("auth") != "":
		multiplayer.auth_callback = _on_auth_data
		multiplayer.auth_timeout = float(option("auth-timeout", "3"))
	peer.set_bind_ip("127.0.0.1")
	var error := peer.create_server(int(option("port")), int(option("max-clients", "32")))
	report("created", {"error": error})
	multiplayer.multiplayer_peer = peer


func _on_auth_data(id: int, data: PackedByteArray) -> void:
	if data.get_string_from_utf8() == option("auth"):
		get_multiplayer().complete_auth(id)
	else:
		get_multiplayer().disconnect_peer(id)


## Command `kick`: sends `text` to client `id`, then SceneMultiplayer's disconnect_peer(id).
func do_kick(command: Dictionary) -> int:
	var error: int = get_multiplayer().send_bytes(command["text"].to_utf8_buffer(), int(command["id"]))
	get_multiplayer().disconnect_peer(int(command["id"]))
	return error
