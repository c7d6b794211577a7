/** Called once the packet has been written to the transport. */
export type SendCallback = () => void;
