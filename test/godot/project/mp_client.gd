# A Godot 4 client with the default SceneMultiplayer (create_client), as a game would be:
# reports every signal (mp_common.gd) and takes the test's commands.
#   --port=N [--address=127.0.0.1] [--compress=none|range_coder|fastlz|zlib|zstd]
#   [--dtls-cert=FILE.crt --dtls-host=NAME]: DTLS, trusting that certificate for that name
#   [--auth=TOKEN]: an auth_callback; the client sends TOKEN when the server asks it to
#     authenticate (peer_authenticating), answers "challenge:X" with "answer:X", and completes
#     its side at once, or --complete-auth=after-answer (once it answered), or =no (never).
#     --auth=silent: never sends anything.
#   [--timeout-ms=N]: ENet gives up on the server after N ms without an answer (connecting too)
#   [--players=yes]: a Player node per client (see Player), reported as "synced" when it changes.
extends "res://mp_common.gd"

const COMPRESSION := {
	"none": ENetConnection.COMPRESS_NONE,
	"range_coder": ENetConnection.COMPRESS_RANGE_CODER,
	"fastlz": ENetConnection.COMPRESS_FASTLZ,
	"zlib": ENetConnection.COMPRESS_ZLIB,
	"zstd": ENetConnection.COMPRESS_ZSTD,
}

## Player nodes by client ID, and what was last reported of each remote one.
var _players := {}
var _reported := {}


## A node per client at /root/Player<id> on every client, owned by that client: its
## MultiplayerSynchronizer sends `always` every network frame (unreliable sync frames) and
## `on_change` when it changes (delta frames), through the server's relay.
class Player extends Node:
	var always := ""
	var on_change := ""

	func _init(id: int) -> void:
		name = "Player%d" % id
		var config := SceneReplicationConfig.new()
		config.add_property(NodePath(":always"))
		config.property_set_replication_mode(NodePath(":always"), SceneReplicationConfig.REPLICATION_MODE_ALWAYS)
		config.add_property(NodePath(":on_change"))
		config.property_set_replication_mode(NodePath(":on_change"), SceneReplicationConfig.REPLICATION_MODE_ON_CHANGE)
		var synchronizer := MultiplayerSynchronizer.new()
		synchronizer.name = "Sync"
		synchronizer.replication_config = config
		add_child(synchronizer)
		set_multiplayer_authority(id)


func start() -> void:
	super.start()
	var multiplayer := get_multiplayer() as SceneMultiplayer
	watch(multiplayer)
	if option("auth") != "":
		multiplayer.auth_callback = _on_auth_data
		multiplayer.peer_authenticating.connect(_on_authenticating)
	var error := peer.create_client(option("address", "127.0.0.1"), int(option("port")))
	if error == OK:
		if option("timeout-ms") != "":
			peer.get_peer(1).set_timeout(32, int(option("timeout-ms")), int(option("timeout-ms")))
		peer.host.compress(COMPRESSION[option("compress", "none")])
		if option("dtls-cert") != "":
			var certificate := X509Certificate.new()
			certificate.load(option("dtls-cert"))
			error = peer.host.dtls_client_setup(option("dtls-host"), TLSOptions.client(certificate))
	report("created", {"error": error, "id": peer.get_unique_id()})
	if option("players") == "yes":
		multiplayer.connected_to_server.connect(func() -> void: _add_player(multiplayer.get_unique_id()))
		multiplayer.peer_connected.connect(func(id: int) -> void: if id != 1: _add_player(id))
		multiplayer.peer_disconnected.connect(func(id: int) -> void: if _players.has(id): _players[id].queue_free())
	multiplayer.multiplayer_peer = peer


func step() -> void:
	super.step()
	for id: int in _players:
		var player: Player = _players[id]
		if id != get_multiplayer().get_unique_id() and is_instance_valid(player) \
				and _reported.get(id) != [player.always, player.on_change]:
			_reported[id] = [player.always, player.on_change]
			report("synced", {"id": id, "always": player.always, "on_change": player.on_change})


func _add_player(id: int) -> void:
	_players[id] = Player.new(id)
	root.add_child(_players[id])


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


## Command `set_player`: sets both properties of this client's Player to `text`.
func do_set_player(command: Dictionary) -> int:
	var player: Player = _players[get_multiplayer().get_unique_id()]
	player.always = command["text"]
	player.on_change = command["text"]
	return OK


## Command `complete_auth`: completes this side of the auth with the server.
func do_complete_auth(_command: Dictionary) -> int:
	return get_multiplayer().complete_auth(1)
