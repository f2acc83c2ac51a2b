from quartify.cli.oneshot import start

start()
