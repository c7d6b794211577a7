export const protocol = 4;
