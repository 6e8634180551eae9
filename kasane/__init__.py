"""kasane (重ね): the platform for the 重層的支援体制整備事業."""
