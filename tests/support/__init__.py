"""Helpers the tests share (not tests themselves): ledgers written from text (`ledgers`), the real
layouts offices keep (`ledger_gallery`), a dashboard started on a free port (`apprunner`) and a
minimal Streamlit websocket client (`streamclient`). Imported as `from support.ledgers import ...`
(pyproject puts tests/ on the path)."""
