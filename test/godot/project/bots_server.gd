# A Godot 4 server for the load-test bots (test/godot/bots.test.ts): ENetMultiplayerPeer
# create_server on a free port of 127.0.0.1 with the default SceneMultiplayer, as a game's
# dedicated server. It echoes what clients send with send_bytes back to them (--echo-mode:
# reliable, unreliable or unreliable_ordered) and answers the Bots node's RPC (bots_node.gd).
# --token: clients must authenticate with it. --dtls-key/--dtls-cert: DTLS (dtls_server_setup).
# --max-clients (default 256). Reports `listening`, `refused` (a wrong token) with the total so far, and
# `counts` each time the last client left.
extends "res://program.gd"

const MODES := {"reliable": MultiplayerPeer.TRANSFER_MODE_RELIABLE,
	"unreliable": MultiplayerPeer.TRANSFER_MODE_UNRELIABLE,
	"unreliable_ordered": MultiplayerPeer.TRANSFER_MODE_UNRELIABLE_ORDERED}

var bots: Node
var counts := {"joined": 0, "left": 0, "refused": 0, "packets": 0, "bytes": 0, "echoed": 0, "echoed_bytes": 0}


func start() -> void:
	bots = preload("res://bots_node.gd").new()
	bots.name = "Bots"
	root.add_child(bots)
	var api: SceneMultiplayer = get_multiplayer()
	api.peer_connected.connect(func(_id): counts.joined += 1)
	api.peer_disconnected.connect(_on_left)
	api.peer_packet.connect(_on_packet)
	if option("token") != "":
		api.auth_callback = _on_auth
	var peer := ENetMultiplayerPeer.new()
	peer.set_bind_ip("127.0.0.1")
	var error := peer.create_server(0, int(option("max-clients", "256")))
	assert(error == OK)
	if option("dtls-key") != "":
		var key := CryptoKey.new()
		var certificate := X509Certificate.new()
		assert(key.load(option("dtls-key")) == OK and certificate.load(option("dtls-cert")) == OK)
		assert(peer.host.dtls_server_setup(TLSOptions.server(key, certificate)) == OK)
	api.multiplayer_peer = peer
	report("listening", {"port": peer.host.get_local_port()})


func _on_packet(id: int, data: PackedByteArray) -> void:
	counts.packets += 1
	counts.bytes += data.size()
	if get_multiplayer().send_bytes(data, id, MODES[option("echo-mode", "reliable")]) == OK:
		counts.echoed += 1
		counts.echoed_bytes += data.size()


func _on_left(_id: int) -> void:
	counts.left += 1
	if get_multiplayer().get_peers().is_empty():
		var all := counts.duplicate()
		all.calls = bots.calls
		all.call_bytes = bots.call_bytes
		all.replies = bots.replies
		report("counts", all)


# The first auth message must be the token; the server has nothing to send back.
func _on_auth(id: int, data: PackedByteArray) -> void:
	if data.get_string_from_utf8() == option("token"):
		get_multiplayer().complete_auth(id)
	else:
		counts.refused += 1
		report("refused", {"total": counts.refused})
		get_multiplayer().disconnect_peer(id)
