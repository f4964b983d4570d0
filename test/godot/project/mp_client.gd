# A Godot 4 client with the default SceneMultiplayer (create_client), as a game would be:
# reports every signal (mp_common.gd) and takes the test's commands.
#   --port=N [--address=127.0.0.1] [--compress=none|range_coder|fastlz|zlib|zstd]
#   [--dtls-cert=FILE.crt --dtls-host=NAME]: DTLS, trusting that certificate for that name
#   [--auth=TOKEN]: an auth_callback; the client sends TOKEN when the server asks it to
#     authenticate (peer_authenticating), answers "challenge:X" with "answer:X", and completes
#     its side at once, or --complete-auth=after-answer (once it answered), or =no (never).
#     --auth=silent: never sends anything.
extends "res://mp_common.gd"


func start() -> void:
	super.start()
	var multiplayer := get_multiplayer() as SceneMultiplayer
	watch(multiplayer)
	if option("auth") != "":
		multiplayer.auth_callback = _on_auth_data
		multiplayer.peer_authenticating.connect(_on_authenticating)
	var error := peer.create_client(option("address", "127.0.0.1"), int(option("port")))
	if error == OK:
		peer.host.compress(COMPRESSION[option("compress", "none")])
		if option("dtls-cert") != "":
			var certificate := X509Certificate.new()
			certificate.load(option("dtls-cert"))
			error = peer.host.dtls_client_setup(option("dtls-host"), TLSOptions.client(certificate))
	report("created", {"error": error, "id": peer.get_unique_id()})
	multiplayer.multiplayer_peer = peer


func _on_authenticating(id: int) -> void:
	if option("auth") == "silent":
		return
	get_multiplayer().send_auth(id, option("auth").to_utf8_buffer())
	if option("complete-auth", "yes") == "yes":
		get_multiplayer().complete_auth(id)


func _on_auth_data(id: int, data: PackedByteArray) -> void:
	var text := data.get_string_from_utf8()
	report("auth_data", {"from": id, "text": text})
	if text.begins_with("challenge:"):
		get_multiplayer().send_auth(id, ("answer:" + text.trim_prefix("challenge:")).to_utf8_buffer())
		if option("complete-auth") == "after-answer":
			get_multiplayer().complete_auth(id)


## Command `complete_auth`: completes this side of the auth with the server.
func do_complete_auth(_command: Dictionary) -> int:
	return get_multiplayer().complete_auth(1)
