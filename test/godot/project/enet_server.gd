# Godot as an ENet server (see enet_common.gd for commands and options): binds --bind (127.0.0.1)
# on --port (0: any), with --peers, --channels (0: any), --in_bandwidth and --out_bandwidth;
# --dtls serves DTLS with --key and --cert (--refuse=before_dtls refuses new connections before
# that, instead of after). Reports "listening" with its port.
extends "res://enet_common.gd"


func start() -> void:
	var connection := ENetConnection.new()
	var error := connection.create_host_bound(option("bind", "127.0.0.1"), int(option("port", "0")),
		int(option("peers", "32")), int(option("channels", "0")), int(option("in_bandwidth", "0")),
		int(option("out_bandwidth", "0")))
	if error != OK:
		report("fatal", {"why": "create_host_bound", "error": error})
		quit(2)
		return
	if option("refuse") == "before_dtls":
		connection.refuse_new_connections(true)
	if option("dtls") == "true":
		error = connection.dtls_server_setup(dtls_server_options())
		if error != OK:
			report("fatal", {"why": "dtls_server_setup", "error": error})
			quit(2)
			return
	configure(connection)  # after DTLS: Godot's refuse_new_connections acts on the DTLS server
	report("listening", {"port": connection.get_local_port()})
