"""The Jingka card (京卡·互助服务卡): applications, bank batches, each card's life and history, cards per unit."""
