from aida.cli import main

main()
