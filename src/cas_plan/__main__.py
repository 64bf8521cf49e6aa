from cas_plan.cli import main

main()
